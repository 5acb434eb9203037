import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAlertStoreConformance } from './alert-store-cases.js';
import { SqliteAlertStore } from './sqlite-alert-store.js';

runAlertStoreConformance('sqlite', async () => new SqliteAlertStore(join(mkdtempSync(join(tmpdir(), 'rh-alerts-')), 'alerts.sqlite')));
