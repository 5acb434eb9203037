import { CatalogFollower } from './projects/catalog-follower.js';
import { PostgresCatalogMirror, PostgresWorkflowSource } from './projects/postgres-catalog.js';
import { PostgresSecretRows } from './secrets/postgres-secret-rows.js';
import { findSecretKey } from './secrets/secret-key.js';
import { checkSharedKey, storedFingerprint } from './secrets/shared-key.js';
import { PostgresRunStore } from './store/postgres-run-store.js';
import { PostgresTemplateUses } from './templates/template-uses.js';

/**
 * Scaled mode with `--db`: the workflow pillar's state in PostgreSQL, shared by every hub and
 * worker — runs, saved versions and run metrics (the run store), secrets, template uses and the
 * projects' mirror — and the secret key this process holds (checked against the database's).
 */
export interface PostgresWorkflowState {
  runs: PostgresRunStore;
  secrets: PostgresSecretRows;
  key: { key: Buffer; source: string } | undefined;
  templateUses: PostgresTemplateUses;
  mirror: PostgresCatalogMirror;
  /** A worker's projects, as the hubs published them. */
  source: PostgresWorkflowSource;
  close(): Promise<void>;
}

export async function openPostgresWorkflowState(
  url: string,
  options: { dataDir: string; role: 'hub' | 'worker'; keyFile?: string | undefined; onError?: (error: unknown) => void },
): Promise<PostgresWorkflowState> {
  const runs = await PostgresRunStore.open({ url });
  try {
    // A hub makes `<data>/secret.key` only for a database without secrets' key yet: the first hub.
    let key = findSecretKey(options.dataDir, { file: options.keyFile, create: false });
    if (!key && options.role === 'hub' && (await storedFingerprint(runs.pool)) === undefined) key = findSecretKey(options.dataDir, { file: options.keyFile });
    await checkSharedKey(runs.pool, key, options.role);
    const secrets = await PostgresSecretRows.open(runs.pool, url, options.onError);
    const source = new PostgresWorkflowSource(runs.pool, runs);
    // A worker keeps its copies of the projects and secrets current by notification, so a run
    // it takes reads them again only when a change may not have arrived yet.
    const follower =
      options.role === 'worker'
        ? new CatalogFollower(runs.pool, url, { project: (p) => source.read(p), secrets: (p) => secrets.reload(p), all: () => Promise.all([source.read(), secrets.reloadAll()]).then(() => undefined) }, options.onError)
        : undefined;
    try {
      await follower?.start();
    } catch (error) {
      await secrets.close();
      throw error;
    }
    source.freshness = follower;
    secrets.freshness = follower;
    return {
      runs,
      secrets,
      key,
      templateUses: new PostgresTemplateUses(runs.pool),
      mirror: new PostgresCatalogMirror(runs.pool),
      source,
      close: async () => {
        await follower?.close();
        await secrets.close();
        await runs.close();
      },
    };
  } catch (error) {
    await runs.close();
    throw error;
  }
}
