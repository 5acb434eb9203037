import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { Span } from '@runtime-hub/protocol';
import { REPLAY_ATTRIBUTES } from './recording.js';

export interface Branch {
  /** The replay's trace. */
  traceId: string;
  /** The recorded trace it branched from. */
  replayOf: string;
  /** The checkpoint span of the recorded trace. */
  fromSpan: string;
  startTime: number;
}

/**
 * Which traces are replays of which (docs/replay.md, The branch). Spans carry the link in their
 * root's attributes; finding them by attribute would scan the spans table, so the hub keeps this
 * small index, fed from the spans it committed: `<data>/replay-branches.jsonl` embedded,
 * the `replay_branches` table every hub writes and reads in scaled mode (`--db`). Both pass
 * `branch-cases.ts`.
 */
export interface BranchIndex {
  /** Committed spans: a root with `runtime_hub.replay.of` makes its trace a branch. */
  observe(spans: readonly Span[]): void;
  branchOf(traceId: string): Promise<Branch | undefined>;
  branches(traceId: string): Promise<Branch[]>;
  close(): Promise<void>;
}

/** The branches a batch of committed spans makes (a replay's root carries the link). */
export function branchesIn(spans: readonly Span[]): Branch[] {
  const found: Branch[] = [];
  for (const span of spans) {
    const of = span.attributes?.[REPLAY_ATTRIBUTES.of];
    const from = span.attributes?.[REPLAY_ATTRIBUTES.fromSpan];
    if (typeof of !== 'string' || typeof from !== 'string') continue;
    if (!/^[0-9a-f]{32}$/.test(of) || !/^[0-9a-f]{16}$/.test(from) || of === span.traceId) continue;
    found.push({ traceId: span.traceId, replayOf: of, fromSpan: from, startTime: span.startTime });
  }
  return found;
}

/** {@link BranchIndex} in memory, appended to `<data>/replay-branches.jsonl`. */
export class FileBranchIndex implements BranchIndex {
  private readonly byReplay = new Map<string, Branch>();
  private readonly byOriginal = new Map<string, Branch[]>();
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'replay-branches.jsonl');
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          this.add(JSON.parse(line) as Branch);
        } catch {
          // A line cut short by a crash: the rest of the index still loads.
        }
      }
    }
  }

  observe(spans: readonly Span[]): void {
    for (const branch of branchesIn(spans)) {
      if (this.byReplay.has(branch.traceId)) continue;
      this.add(branch);
      try {
        appendFileSync(this.file, `${JSON.stringify(branch)}\n`, { mode: 0o600 });
      } catch {
        // The index lives on in memory; the next start misses this branch only.
      }
    }
  }

  branchOf(traceId: string): Promise<Branch | undefined> {
    return Promise.resolve(this.byReplay.get(traceId));
  }

  /** Oldest first, as the table answers. */
  branches(traceId: string): Promise<Branch[]> {
    const list = [...(this.byOriginal.get(traceId) ?? [])];
    return Promise.resolve(list.sort((a, b) => a.startTime - b.startTime || a.traceId.localeCompare(b.traceId)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private add(branch: Branch): void {
    if (this.byReplay.has(branch.traceId)) return;
    this.byReplay.set(branch.traceId, branch);
    const list = this.byOriginal.get(branch.replayOf);
    if (list) list.push(branch);
    else this.byOriginal.set(branch.replayOf, [branch]);
  }
}

type BranchRow = { trace_id: string; replay_of: string; from_span: string; start_time: number };
const toBranch = (r: BranchRow): Branch => ({ traceId: r.trace_id, replayOf: r.replay_of, fromSpan: r.from_span, startTime: r.start_time });

/**
 * {@link BranchIndex} on PostgreSQL (scaled mode): each hub inserts the branches of the spans it
 * committed, every hub reads all of them — also a hub started after the replay ran. Inserts are
 * idempotent (the first link of a trace wins, as in the file).
 */
export class PostgresBranchIndex implements BranchIndex {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  observe(spans: readonly Span[]): void {
    const found = branchesIn(spans);
    if (found.length === 0) return;
    this.writing = this.writing
      .then(async () => {
        await this.pool.query(
          `INSERT INTO replay_branches (trace_id, replay_of, from_span, start_time)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) ON CONFLICT (trace_id) DO NOTHING`,
          [found.map((b) => b.traceId), found.map((b) => b.replayOf), found.map((b) => b.fromSpan), found.map((b) => b.startTime)],
        );
      })
      .catch(this.onError);
  }

  async branchOf(traceId: string): Promise<Branch | undefined> {
    const { rows } = await this.pool.query<BranchRow>('SELECT * FROM replay_branches WHERE trace_id = $1', [traceId]);
    return rows[0] ? toBranch(rows[0]) : undefined;
  }

  async branches(traceId: string): Promise<Branch[]> {
    const { rows } = await this.pool.query<BranchRow>('SELECT * FROM replay_branches WHERE replay_of = $1 ORDER BY start_time, trace_id', [traceId]);
    return rows.map(toBranch);
  }

  /** Waits for the inserts in flight; the pool is its owner's. */
  async close(): Promise<void> {
    await this.writing;
  }
}

/** The file embedded; with `--db`, the shared table on a small pool of its own (pg loads only then). */
export async function openBranchIndex(config: { dataDir: string; dbUrl?: string | undefined }, onError: (error: unknown) => void): Promise<BranchIndex> {
  if (!config.dbUrl) return new FileBranchIndex(config.dataDir);
  const { openMigratedPool } = await import('../store/postgres/migrate.js');
  const pool = await openMigratedPool(config.dbUrl, { max: 2, applicationName: 'runtime-hub replay' });
  const index = new PostgresBranchIndex(pool, onError);
  return {
    observe: (spans) => index.observe(spans),
    branchOf: (traceId) => index.branchOf(traceId),
    branches: (traceId) => index.branches(traceId),
    close: async () => {
      await index.close();
      await pool.end();
    },
  };
}
