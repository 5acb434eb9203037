import { runStoreConformance } from '@runtime-hub/engine/testing';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { PostgresRunStore } from './postgres-run-store.js';

// One server for the file, a fresh database per case.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

runStoreConformance('postgres', async () => {
  const store = await PostgresRunStore.open({ url: await server.createDatabase() });
  return { store, cleanup: () => store.close() };
});
