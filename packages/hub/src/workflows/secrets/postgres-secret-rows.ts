import type pg from 'pg';
import { PgListener } from '../../store/postgres/listener.js';
import { inTransaction } from '../../store/postgres/pool.js';
import { announceCatalogChange } from '../projects/catalog-follower.js';
import type { SecretRow, SecretRows } from './secret-rows.js';

/** Every hub and worker re-reads the secrets on a change's notification, and this often in case one was missed. */
const RELOAD_MS = 10_000;
const CHANNEL = 'runtime_hub_secrets';
const NONE: readonly SecretRow[] = Object.freeze([]);

type Stored = { project: string; name: string; iv: Buffer; tag: Buffer; ciphertext: Buffer; updated_at: number };

const signature = (rows: readonly SecretRow[]) => rows.map((r) => `${r.name}\u0000${r.updatedAt}\u0000${r.iv.toString('hex')}`).join('\u0001');

/**
 * {@link SecretRows} on PostgreSQL (`wf_secrets`), shared by every hub and worker. Reads are
 * answered from a copy of the (small, encrypted) table in memory: a write NOTIFYs at commit and
 * every process re-reads that project; a worker also makes sure, before it drives a run, that its
 * copy holds every secret committed before the run was taken (`freshness`, else it reads them).
 */
export class PostgresSecretRows implements SecretRows {
  private readonly rows = new Map<string, readonly SecretRow[]>();
  private listener: PgListener | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool, url: string, onError: (error: unknown) => void = () => undefined): Promise<PostgresSecretRows> {
    const rows = new PostgresSecretRows(pool);
    // Read after each LISTEN (the first too): what was committed while nothing listened. While the
    // connection is lost, the periodic reload keeps the copy fresh.
    rows.listener = await PgListener.open(url, {
      channel: CHANNEL,
      name: 'runtime-hub secrets',
      onNotification: (project) => {
        if (project) void rows.reload(project).catch(onError);
      },
      onError,
      onListening: () => rows.reloadAll(),
    });
    rows.timer = setInterval(() => void rows.reloadAll().catch(onError), RELOAD_MS);
    rows.timer.unref();
    return rows;
  }

  list(project: string): readonly SecretRow[] {
    return this.rows.get(project) ?? NONE;
  }

  async put(project: string, row: SecretRow): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO wf_secrets (project, name, iv, tag, ciphertext, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (project, name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
        [project, row.name, row.iv, row.tag, row.ciphertext, row.updatedAt],
      );
      await client.query('SELECT pg_notify($1, $2)', [CHANNEL, project]);
      await announceCatalogChange(client, { kind: 'secrets', project });
    });
    await this.reload(project);
  }

  async delete(project: string, name?: string): Promise<boolean> {
    const removed = await inTransaction(this.pool, async (client) => {
      const result =
        name === undefined
          ? await client.query('DELETE FROM wf_secrets WHERE project = $1', [project])
          : await client.query('DELETE FROM wf_secrets WHERE project = $1 AND name = $2', [project, name]);
      await client.query('SELECT pg_notify($1, $2)', [CHANNEL, project]);
      await announceCatalogChange(client, { kind: 'secrets', project });
      return (result.rowCount ?? 0) > 0;
    });
    await this.reload(project);
    return removed;
  }

  /** Tells whether the copy holds every change committed so far (a worker's `CatalogFollower`). */
  freshness: { upToDate(): Promise<boolean> } | undefined;

  /** A project's secrets as they are now: read again unless the copy is known to be current. */
  async refresh(project: string): Promise<void> {
    if (await this.freshness?.upToDate()) return;
    await this.reload(project);
  }

  async reload(project: string): Promise<void> {
    const { rows } = await this.pool.query<Stored>('SELECT project, name, iv, tag, ciphertext, updated_at FROM wf_secrets WHERE project = $1 ORDER BY name', [project]);
    this.keep(project, rows);
  }

  async reloadAll(): Promise<void> {
    const { rows } = await this.pool.query<Stored>('SELECT project, name, iv, tag, ciphertext, updated_at FROM wf_secrets ORDER BY project, name');
    const byProject = new Map<string, Stored[]>();
    for (const row of rows) byProject.set(row.project, [...(byProject.get(row.project) ?? []), row]);
    for (const project of new Set([...this.rows.keys(), ...byProject.keys()])) this.keep(project, byProject.get(project) ?? []);
  }

  /** Replaces a project's copy only when it changed: the vault's decrypted cache lives as long as the array. */
  private keep(project: string, stored: readonly Stored[]): void {
    const next = stored.map((r) => ({ name: r.name, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext, updatedAt: r.updated_at }));
    if (signature(next) === signature(this.list(project))) return;
    if (next.length === 0) this.rows.delete(project);
    else this.rows.set(project, next);
  }

  /** Whether any project has a secret (a process without the key must not start then). */
  any(): boolean {
    return this.rows.size > 0;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.listener?.close();
  }
}
