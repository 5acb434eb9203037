import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { runStoreConformance } from '../store-conformance.js';
import { PostgresSpanStore } from './postgres-store.js';

// One server for the file; each test opens a store on a fresh database.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

runStoreConformance('postgres', async () => PostgresSpanStore.open({ url: await server.createDatabase() }));
