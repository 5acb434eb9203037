import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRollupStoreConformance } from '../rollup-store-cases.js';
import { SqliteRollupStore } from './sqlite-rollup-store.js';

runRollupStoreConformance('sqlite', async () => new SqliteRollupStore(join(mkdtempSync(join(tmpdir(), 'rh-rollups-')), 'analytics.sqlite')));
