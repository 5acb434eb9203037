import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '../store-conformance.js';
import { SqliteSpanStore } from './sqlite-store.js';

runStoreConformance('sqlite', () =>
  Promise.resolve(new SqliteSpanStore({ file: join(mkdtempSync(join(tmpdir(), 'rh-store-')), 'hub.sqlite') })),
);
