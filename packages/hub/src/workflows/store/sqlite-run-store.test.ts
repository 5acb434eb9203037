import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '@runtime-hub/engine/testing';
import { SqliteRunStore } from './sqlite-run-store.js';

runStoreConformance('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-runs-'));
  return Promise.resolve({ store: new SqliteRunStore(join(dir, 'workflows.sqlite')), cleanup: () => rmSync(dir, { recursive: true, force: true }) });
});
