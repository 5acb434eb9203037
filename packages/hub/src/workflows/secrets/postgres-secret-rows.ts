import pg from 'pg';
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
  private listener: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async open(pool: pg.Pool, url: string, onError: (error: unknown) => void = () => undefined): Promise<PostgresSecretRows> {
    const rows = new PostgresSecretRows(pool, url, onError);
    await rows.reloadAll();
    await rows.listen();
    rows.timer = setInterval(() => void rows.reloadAll().catch(onError), RELOAD_MS);
    rows.timer.unref();
    return rows;
  }

  /** A dedicated connection for LISTEN (a pooled one would drop the subscription when released). */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'runtime-hub secrets' });
    client.on('notification', (message) => {
      if (message.payload) void this.reload(message.payload).catch(this.onError);
    });
    client.on('error', (error) => {
      this.onError(error);
      this.listener = undefined;
      // Until it is back, the periodic reload keeps the copy fresh.
      if (!this.closed) setTimeout(() => void this.listen().then(() => this.reloadAll()).catch(this.onError), 1_000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.closed) await client.end();
    else this.listener = client;
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
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }
}
