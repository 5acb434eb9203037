import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { importLocalState } from './import-local-state.js';
import { PostgresSecretRows } from './secrets/postgres-secret-rows.js';
import { SqliteSecretRows } from './secrets/secret-rows.js';
import { SecretVault } from './secrets/secret-vault.js';
import { PostgresRunStore } from './store/postgres-run-store.js';
import { SqliteRunStore } from './store/sqlite-run-store.js';
import { SqliteTemplateUses } from './templates/template-uses.js';

let server: PostgresServer | undefined;
afterAll(() => server?.close());

const definition = (version: number) => ({ id: 'w', name: `W${version}`, project: 'p', version, nodes: [], edges: [] }) as unknown as WorkflowDefinition;

describe('moving a hub to PostgreSQL', () => {
  it('copies the secrets its key can read, every saved version and the template uses, once, without overwriting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-import-'));
    server ??= await startPostgres();
    const url = await server.createDatabase();
    const local = new SqliteRunStore(join(dir, 'workflows.sqlite'), { backgroundCheckpoints: false });
    const pgStore = await PostgresRunStore.open({ url });
    const rows = await PostgresSecretRows.open(pgStore.pool, url);
    try {
      const key = randomBytes(32);
      await new SecretVault(new SqliteSecretRows(local.db), key).put('p', 'TOKEN', 'from-the-folder');
      await new SecretVault(new SqliteSecretRows(local.db), randomBytes(32)).put('p', 'STALE', 'another-key');
      await local.putWorkflowVersion({ project: 'p', workflow: 'w', version: 1, savedAt: 1_000, definition: definition(1) });
      await local.putWorkflowVersion({ project: 'p', workflow: 'w', version: 2, savedAt: 2_000, definition: definition(2) });
      await new SqliteTemplateUses(local.db).recordUse('p', 'w', 'webhook-to-slack', 3_000);
      // Already in PostgreSQL (another hub moved first): kept as it is.
      await pgStore.putWorkflowVersion({ project: 'p', workflow: 'w', version: 2, savedAt: 2_500, definition: definition(2) });

      expect(await importLocalState(local.db, pgStore.pool, key)).toEqual({ secrets: 1, versions: 1, templateUses: 1 });
      expect(await importLocalState(local.db, pgStore.pool, key)).toEqual({ secrets: 0, versions: 0, templateUses: 0 });

      await rows.refresh('p');
      expect(new SecretVault(rows, key).values('p')).toEqual({ TOKEN: 'from-the-folder' });
      expect((await pgStore.getWorkflowVersion('p', 'w', 1))?.definition).toEqual(definition(1));
      expect((await pgStore.getWorkflowVersion('p', 'w', 2))?.savedAt).toBe(2_500);
      expect((await pgStore.pool.query('SELECT template FROM wf_template_uses')).rows).toEqual([{ template: 'webhook-to-slack' }]);
    } finally {
      await rows.close();
      await pgStore.close();
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
