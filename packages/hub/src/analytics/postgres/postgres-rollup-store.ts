import type pg from 'pg';
import { BUCKET_COUNT, emptyHistogram, type DenseHistogram } from '../../stats/log-histogram.js';
import { inTransaction } from '../../store/postgres/pool.js';
import { openMigratedPool } from '../../store/postgres/migrate.js';
import { planSegments, tierForStep } from '../query-plan.js';
import { addDelta, breakdownOf, emptySums, GROUPS, seriesOf, totalsOf, type Sums } from '../rollup-sums.js';
import { DAY, HOUR, TIERS, type BreakdownQuery, type BreakdownRow, type MetricsFilter, type MetricsSeries, type MetricsTotals, type RollupDelta, type RollupStore } from '../rollup-store.js';

/** How long a counted span id is remembered across hubs (RollupStore.claim). */
export const CLAIM_MEMORY_MS = HOUR;
/** Separates a breakdown key's columns (text cannot hold NUL in PostgreSQL). */
const SEPARATOR = '\u001f';
const DEADLOCK = '40P01';

/** Deltas folded into one row per tier bucket and dimensions: one upsert may touch a row only once. */
type Folded = Sums & { res: number; bucket: number; dims: string[] };

function foldTiers(deltas: readonly RollupDelta[], dims: (delta: RollupDelta) => string[]): Folded[] {
  const rows = new Map<string, Folded>();
  for (const delta of deltas) {
    for (const { res } of TIERS) {
      const bucket = Math.floor(delta.bucket / res) * res;
      const values = dims(delta);
      const key = [res, bucket, ...values].join('\u0000');
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { res, bucket, dims: values, calls: 0, errors: 0, durationSumMs: 0, durationMaxMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, dense: emptyHistogram() }));
      addDelta(row, delta);
    }
  }
  // Every hub upserts in the same order, so two hubs' writes wait on each other instead of deadlocking.
  return [...rows.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, row]) => row);
}

/** The non-empty buckets of a histogram as two array literals: indexes and counts. */
function sparse(dense: DenseHistogram): [string, string] {
  const idx: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < BUCKET_COUNT; i++) {
    if (dense[i] !== 0) {
      idx.push(i);
      n.push(dense[i]!);
    }
  }
  return [`{${idx.join(',')}}`, `{${n.join(',')}}`];
}

const SUM_COLUMNS = ['calls', 'errors', 'duration_sum', 'duration_max', 'input_tokens', 'output_tokens', 'cost_usd'];
const SUM_TYPES = ['bigint', 'bigint', 'float8', 'float8', 'bigint', 'bigint', 'float8'];

/** One statement adding folded rows to `table`: counts and sums add, maxima take the larger, histograms merge. */
function upsertSql(table: string, dims: readonly string[]): string {
  const columns = ['res', 'bucket', ...dims, ...SUM_COLUMNS];
  const types = ['bigint', 'bigint', ...dims.map(() => 'text'), ...SUM_TYPES, 'text', 'text'];
  return `INSERT INTO ${table} AS r (${columns.join(', ')}, hist_idx, hist_n)
SELECT ${columns.join(', ')}, idx_text::integer[], n_text::bigint[]
FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')}) AS u(${columns.join(', ')}, idx_text, n_text)
ON CONFLICT (res, bucket, ${dims.join(', ')}) DO UPDATE SET calls = r.calls + excluded.calls, errors = r.errors + excluded.errors,
  duration_sum = r.duration_sum + excluded.duration_sum, duration_max = greatest(r.duration_max, excluded.duration_max),
  input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens, cost_usd = r.cost_usd + excluded.cost_usd,
  (hist_idx, hist_n) = (SELECT m.idx, m.n FROM analytics_hist_merge(r.hist_idx, r.hist_n, excluded.hist_idx, excluded.hist_n) AS m)`;
}

/** The upsert's parameters: one array per column. */
function upsertParams(rows: readonly Folded[], dimCount: number): unknown[] {
  const hists = rows.map((row) => sparse(row.dense));
  return [
    rows.map((r) => r.res), rows.map((r) => r.bucket), ...Array.from({ length: dimCount }, (_, i) => rows.map((r) => r.dims[i])),
    rows.map((r) => r.calls), rows.map((r) => r.errors), rows.map((r) => r.durationSumMs), rows.map((r) => r.durationMaxMs),
    rows.map((r) => r.inputTokens), rows.map((r) => r.outputTokens), rows.map((r) => r.costUsd), hists.map((h) => h[0]), hists.map((h) => h[1]),
  ];
}

const SERIES_DIMS = ['service', 'name', 'kind', 'model'];
const UPSERT_SERIES = upsertSql('analytics_rollups', SERIES_DIMS);
const UPSERT_TOTALS = upsertSql('analytics_rollup_totals', ['service']);

/**
 * The rollup store on PostgreSQL (scaled mode, `--db`): tables shared by every hub
 * (`analytics_rollups` per series, `analytics_rollup_totals` pre-merged per service and for all;
 * migrations 4 and 6 in store/postgres/migrations.ts). Each hub adds the rollups of the spans it
 * ingested: counts and sums add, maxima take the larger, histograms (sparse: the indexes and counts
 * of their non-empty buckets) merge bucket by bucket in `analytics_hist_merge` — so the order in
 * which hubs write does not matter. Queries merge histograms in SQL (one row per bucket and group),
 * the rest in rollup-sums.ts like the SQLite store.
 */
export class PostgresRollupStore implements RollupStore {
  private bytes = 0;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresRollupStore> {
    const store = new PostgresRollupStore(await openMigratedPool(url, { max: 4, applicationName: 'runtime-hub analytics' }));
    await store.refreshSize();
    return store;
  }

  async add(deltas: readonly RollupDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const series = foldTiers(deltas, (d) => [d.service, d.name, d.kind, d.model]);
    const totals = foldTiers([...deltas, ...deltas.map((d) => ({ ...d, service: '' }))], (d) => [d.service]);
    for (let attempt = 1; ; attempt++) {
      try {
        await inTransaction(this.pool, async (client) => {
          await client.query(UPSERT_SERIES, upsertParams(series, SERIES_DIMS.length));
          await client.query(UPSERT_TOTALS, upsertParams(totals, 1));
        });
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== DEADLOCK || attempt >= 5) throw error;
      }
    }
  }

  /**
   * Marks span ids counted and answers the ones no hub had counted within CLAIM_MEMORY_MS: a span
   * whose end record reached hub A and whose late start (or a resent end) reached hub B counts once.
   */
  async claim(spanIds: readonly string[], now: number): Promise<Set<string>> {
    if (spanIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ span_id: string }>(
      `INSERT INTO analytics_counted (span_id, counted_at) SELECT id, $2 FROM unnest($1::text[]) AS id ORDER BY id
       ON CONFLICT (span_id) DO NOTHING RETURNING span_id`,
      [[...new Set(spanIds)], now],
    );
    return new Set(rows.map((row) => row.span_id));
  }

  async prune(now: number): Promise<number> {
    let deleted = 0;
    await inTransaction(this.pool, async (client) => {
      for (const { res, keepMs } of TIERS) {
        if (!Number.isFinite(keepMs)) continue;
        deleted += (await client.query('DELETE FROM analytics_rollups WHERE res = $1 AND bucket < $2', [res, now - keepMs])).rowCount ?? 0;
        await client.query('DELETE FROM analytics_rollup_totals WHERE res = $1 AND bucket < $2', [res, now - keepMs]);
      }
      await client.query('DELETE FROM analytics_counted WHERE counted_at < $1', [now - CLAIM_MEMORY_MS]);
    });
    await this.refreshSize();
    return deleted;
  }

  async series(filter: MetricsFilter, step: number): Promise<MetricsSeries> {
    const now = Date.now();
    const from = Math.floor(filter.from / step) * step;
    const to = Math.ceil(filter.to / step) * step;
    return seriesOf(step, await this.sum(planSegments(from, to, tierForStep(step, from, now), now), `(bucket / ${step}) * ${step}`, filter));
  }

  async totals(filter: MetricsFilter): Promise<MetricsTotals> {
    const all = await this.sum(planSegments(filter.from, filter.to, DAY, Date.now()), "'all'", filter);
    return totalsOf(all.get('all') ?? emptySums());
  }

  async breakdown(query: BreakdownQuery): Promise<BreakdownRow[]> {
    const group = GROUPS[query.by];
    const key = group.columns.length === 1 ? group.columns[0]! : `concat_ws(chr(31), ${group.columns.join(', ')})`;
    const where = group.kind ? `kind = '${group.kind}'` : group.modelOnly ? "model <> ''" : undefined;
    return breakdownOf(query, await this.sum(planSegments(query.from, query.to, DAY, Date.now()), key, query, where), SEPARATOR);
  }

  /** Sums grouped by `key` (an SQL expression) over every segment; histograms merged in SQL, cell by cell. */
  private async sum(segments: readonly { res: number; from: number; to: number }[], key: string, filter: MetricsFilter, extra?: string): Promise<Map<string | number, Sums>> {
    const out = new Map<string | number, Sums>();
    if (segments.length === 0) return out;
    // One range of the primary key per segment, spelled out: the planner scans the index for each,
    // where a join with the segments as a set of rows made it read the whole table.
    const params: unknown[] = [];
    const ranges = segments.map((s) => `(r.res = $${params.push(s.res)} AND r.bucket >= $${params.push(s.from)} AND r.bucket < $${params.push(s.to)})`);
    const clauses = [`(${ranges.join(' OR ')})`];
    // As in SQLite: what needs no more than the service reads the rows pre-merged per service ('' = all).
    const perService = extra === undefined && filter.name === undefined && filter.model === undefined && filter.kind === undefined && !/\b(name|kind|model)\b/.test(key);
    for (const column of ['service', 'name', 'model', 'kind'] as const) {
      if (filter[column] === undefined) continue;
      params.push(filter[column]);
      clauses.push(`r.${column} = $${params.length}`);
    }
    if (perService && filter.service === undefined) clauses.push(key === 'service' ? "r.service <> ''" : "r.service = ''");
    if (extra) clauses.push(extra);
    const table = perService ? 'analytics_rollup_totals' : 'analytics_rollups';
    const rows = `SELECT ${key} AS k, r.* FROM ${table} r WHERE ${clauses.join(' AND ')}`;
    const [sums, cells] = await Promise.all([
      this.pool.query<{ k: string | number; calls: number; errors: number; duration_sum: number; duration_max: number; input_tokens: number; output_tokens: number; cost_usd: number }>(
        `SELECT k, sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum) AS duration_sum, max(duration_max) AS duration_max,
           sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd FROM (${rows}) AS g GROUP BY k`,
        params,
      ),
      this.pool.query<{ k: string | number; i: number; n: number }>(`SELECT k, c.i, sum(c.n) AS n FROM (${rows}) AS g, unnest(g.hist_idx, g.hist_n) AS c(i, n) GROUP BY k, c.i`, params),
    ]);
    for (const row of sums.rows) {
      out.set(row.k, {
        calls: row.calls, errors: row.errors, durationSumMs: row.duration_sum, durationMaxMs: row.duration_max,
        inputTokens: row.input_tokens, outputTokens: row.output_tokens, costUsd: row.cost_usd, dense: emptyHistogram(),
      });
    }
    for (const cell of cells.rows) {
      const sums = out.get(cell.k);
      if (sums && cell.i >= 0 && cell.i < BUCKET_COUNT) sums.dense[cell.i] = cell.n;
    }
    return out;
  }

  private async refreshSize(): Promise<void> {
    const { rows } = await this.pool.query<{ bytes: number }>("SELECT pg_total_relation_size('analytics_rollups') + pg_total_relation_size('analytics_rollup_totals') + pg_total_relation_size('analytics_counted') AS bytes");
    this.bytes = rows[0]?.bytes ?? 0;
  }

  /** The tables' size as of the last prune (PostgreSQL answers it asynchronously). */
  sizeBytes(): number {
    return this.bytes;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
