import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runDeployStoreConformance } from './deploy-store-cases.js';
import { SqliteDeployStore } from './sqlite-deploy-store.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'rh-deploy-store-')), 'deployments.sqlite');

runDeployStoreConformance('sqlite', async () => new SqliteDeployStore(file()));

describe('SqliteDeployStore', () => {
  it('opens a file made before deployments had owners: its running deployment is unowned, so claimable', async () => {
    const path = file();
    const old = new Database(path);
    old.exec(`CREATE TABLE deployments (id TEXT PRIMARY KEY, project TEXT NOT NULL, target TEXT NOT NULL, platform TEXT NOT NULL,
      language TEXT NOT NULL, version TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, duration_ms INTEGER, status TEXT NOT NULL,
      logs TEXT NOT NULL DEFAULT '', url TEXT, folder TEXT NOT NULL, rollback_of TEXT);
      INSERT INTO deployments VALUES ('d1', 'demo', 'local', 'local', 'python', 'abc', 1, NULL, NULL, 'running', '', NULL, '/x', NULL);`);
    old.close();
    const store = new SqliteDeployStore(path);
    try {
      expect(await store.deployment('d1')).toMatchObject({ status: 'running', owner: null, leaseUntil: null });
      expect(await store.claim('d1', 'this-hub', 10, 100)).toMatchObject({ owner: 'this-hub', leaseUntil: 110 });
    } finally {
      await store.close();
    }
  });
});
