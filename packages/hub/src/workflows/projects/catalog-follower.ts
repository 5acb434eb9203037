import type pg from 'pg';
import { PgListener } from '../../store/postgres/listener.js';
import { coalescedAfterCall } from '../coalesced.js';

const CHANNEL = 'runtime_hub_catalog';

/** What changed: one project's mirror, one project's secrets, or everything (projects removed at a hub's start). */
export type CatalogChange = { kind: 'project' | 'secrets'; project: string } | { kind: 'all' };

/**
 * Inside the transaction of a change workers copy (a published project, a secret written): the
 * catalog generation goes up by one and the change is NOTIFYd with it, at COMMIT. Generations are
 * handed out under the row's lock, so they follow commit order, as notifications do.
 */
export async function announceCatalogChange(client: pg.ClientBase, change: CatalogChange): Promise<void> {
  const { rows } = await client.query<{ value: number }>('UPDATE wf_catalog_generation SET value = value + 1 RETURNING value');
  await client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ generation: Number(rows[0]!.value), ...change })]);
}

/** How a worker reads a change into its copies. */
export interface CatalogReaders {
  project(project: string): Promise<void>;
  secrets(project: string): Promise<void>;
  /** Every project and every secret. */
  all(): Promise<void>;
}

/**
 * A worker's copies of the projects' mirror and the secrets, kept current by notifications instead
 * of read again for every run. Each change comes with its generation; the copies are complete up to
 * `applied`, the generation of the last change read in (in order). Before a run, one read of the
 * current generation (shared by the runs taken meanwhile) tells whether every change committed
 * before the run was taken is in: then the run reads nothing more; else its project and secrets
 * are read as before. Without the listening connection (lost, coming back) nothing counts as
 * current: runs read their project and secrets, as before.
 */
export class CatalogFollower {
  private listener: PgListener | undefined;
  private applied = -1;
  private live = false;
  private closed = false;
  /** Changes read in one after another, in the order they were committed. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly readers: CatalogReaders,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Listens, then reads everything as of the generation it found: from then on changes arrive. */
  async start(): Promise<void> {
    const listener = await PgListener.open(this.url, {
      channel: CHANNEL,
      name: 'runtime-hub catalog',
      onNotification: (payload) => this.onNotification(payload),
      onError: (error) => {
        this.live = false;
        this.onError(error);
      },
      onListening: () => this.readAll(),
    });
    if (this.closed) await listener.close();
    else this.listener = listener;
  }

  /** After each LISTEN: everything read again as of the generation found; changes arrive from then on. */
  private async readAll(): Promise<void> {
    const generation = await this.generation();
    await this.inOrder(async () => {
      await this.readers.all();
      this.applied = Math.max(this.applied, generation);
      this.live = true;
    });
  }

  private onNotification(payload: string | undefined): void {
    if (!payload) return;
    const change = JSON.parse(payload) as CatalogChange & { generation: number };
    void this.inOrder(async () => {
      if (change.kind === 'all') await this.readers.all();
      else await this.readers[change.kind](change.project);
      this.applied = Math.max(this.applied, change.generation);
    }).catch((error: unknown) => {
      // A change not read in: nothing counts as current until everything was read again.
      this.live = false;
      this.onError(error);
      void this.inOrder(async () => {
        const generation = await this.generation();
        await this.readers.all();
        this.applied = generation;
        this.live = this.listener?.listening === true;
      }).catch(this.onError);
    });
  }

  private inOrder(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Whether the copies hold every change committed before the call. */
  async upToDate(): Promise<boolean> {
    if (!this.live) return false;
    const generation = await this.generationAfterNow();
    return this.live && this.applied >= generation;
  }

  /** The generation read by a query that began after this call, shared by the callers meanwhile. */
  private readonly generationAfterNow = coalescedAfterCall(() => this.generation());

  private async generation(): Promise<number> {
    const { rows } = await this.pool.query<{ value: number }>('SELECT value FROM wf_catalog_generation');
    return Number(rows[0]?.value ?? 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    await this.listener?.close();
  }
}
