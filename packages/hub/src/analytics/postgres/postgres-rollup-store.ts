import type pg from 'pg';
import { BUCKET_COUNT, emptyHistogram, type DenseHistogram } from '../../stats/log-histogram.js';
import { createPool, inTransaction } from '../../store/postgres/pool.js';
import { migrate } from '../../store/postgres/migrate.js';
import { planSegments, tierForStep } from '../query-plan.js';
import { addDelta, breakdownOf, emptySums, GROUPS, seriesOf, totalsOf, type Sums } from '../rollup-sums.js';
import { DAY, HOUR, TIERS, type BreakdownQuery, type BreakdownRow, type MetricsFilter, type MetricsSeries, type MetricsTotals, type RollupDelta, type RollupStore } from '../rollup-store.js';

/** How long a counted span id is remembered across hubs (RollupStore.claim). */
export const CLAIM_MEMORY_MS = HOUR;
/** Separates a breakdown key's columns (text cannot hold NUL in PostgreSQL). */
const SEPARATOR = '\u001f';
const DEADLOCK = '40P01';

type Row = Omit<RollupDelta, 'histogram'> & { res: number; dense: DenseHistogram };

/** A histogram as the literal of a bigint[] whose subscripts are the bucket indexes: `[first:last]={…}`. */
function histogramLiteral(dense: DenseHistogram): string {
  let first = 0;
  while (first < BUCKET_COUNT && dense[first] === 0) first++;
  if (first === BUCKET_COUNT) return '{}';
  let last = BUCKET_COUNT - 1;
  while (dense[last] === 0) last--;
  return `[${first}:${last}]={${Array.from(dense.subarray(first, last + 1)).join(',')}}`;
}

/** The deltas folded into one row per (tier bucket, series): one upsert may touch a row only once. */
function rowsOf(deltas: readonly RollupDelta[]): Row[] {
  const rows = new Map<string, Row>();
  for (const delta of deltas) {
    for (const { res } of TIERS) {
      const bucket = Math.floor(delta.bucket / res) * res;
      const key = [res, bucket, delta.service, delta.name, delta.kind, delta.model].join('\u0000');
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { ...delta, res, bucket, calls: 0, errors: 0, durationSumMs: 0, durationMaxMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, dense: emptyHistogram() }));
      addDelta(row, delta);
    }
  }
  // Every hub upserts in the same order, so two hubs' writes wait on each other instead of deadlocking.
  return [...rows.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, row]) => row);
}

const UPSERT = `INSERT INTO analytics_rollups AS r (res, bucket, service, name, kind, model, calls, errors, duration_sum, duration_max, input_tokens, output_tokens, cost_usd, hist)
SELECT res, bucket, service, name, kind, model, calls, errors, duration_sum, duration_max, input_tokens, output_tokens, cost_usd, hist_text::bigint[]
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::float8[], $10::float8[], $11::bigint[], $12::bigint[], $13::float8[], $14::text[]) AS u(res, bucket, service, name, kind, model, calls, errors, duration_sum, duration_max, input_tokens, output_tokens, cost_usd, hist_text)
ON CONFLICT (res, bucket, service, name, kind, model) DO UPDATE SET calls = r.calls + excluded.calls, errors = r.errors + excluded.errors,
  duration_sum = r.duration_sum + excluded.duration_sum, duration_max = greatest(r.duration_max, excluded.duration_max),
  input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
  cost_usd = r.cost_usd + excluded.cost_usd, hist = analytics_hist_add(r.hist, excluded.hist)`;

/**
 * The rollup store on PostgreSQL (scaled mode, `--db`): one table shared by every hub
 * (`analytics_rollups`, migration in store/postgres/migrations.ts). Each hub adds the rollups of the
 * spans it ingested: counts and sums add, maxima take the larger, histograms add bucket by bucket
 * (`analytics_hist_add` on a bigint[] subscripted by bucket index) — so the order in which hubs
 * write does not matter. Queries merge the histograms in SQL (`generate_subscripts`), the rest in
 * rollup-sums.ts like the SQLite store.
 */
export class PostgresRollupStore implements RollupStore {
  private bytes = 0;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresRollupStore> {
    const pool = createPool(url, { max: 4, applicationName: 'runtime-hub analytics' });
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const store = new PostgresRollupStore(pool);
    await store.refreshSize();
    return store;
  }

  async add(deltas: readonly RollupDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const rows = rowsOf(deltas);
    const column = <K extends keyof Row>(key: K) => rows.map((row) => row[key]);
    const params = [
      column('res'), column('bucket'), column('service'), column('name'), column('kind'), column('model'), column('calls'), column('errors'),
      column('durationSumMs'), column('durationMaxMs'), column('inputTokens'), column('outputTokens'), column('costUsd'), rows.map((row) => histogramLiteral(row.dense)),
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query(UPSERT, params);
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
    const params: unknown[] = [segments.map((s) => s.res), segments.map((s) => s.from), segments.map((s) => s.to)];
    const clauses = ['r.res = s.res', 'r.bucket >= s.lo', 'r.bucket < s.hi'];
    for (const column of ['service', 'name', 'model', 'kind'] as const) {
      if (filter[column] === undefined) continue;
      params.push(filter[column]);
      clauses.push(`r.${column} = $${params.length}`);
    }
    if (extra) clauses.push(extra);
    const rows = `SELECT ${key} AS k, r.* FROM analytics_rollups r JOIN unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS s(res, lo, hi) ON ${clauses.join(' AND ')}`;
    const [sums, cells] = await Promise.all([
      this.pool.query<{ k: string | number; calls: number; errors: number; duration_sum: number; duration_max: number; input_tokens: number; output_tokens: number; cost_usd: number }>(
        `SELECT k, sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum) AS duration_sum, max(duration_max) AS duration_max,
           sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd FROM (${rows}) AS g GROUP BY k`,
        params,
      ),
      this.pool.query<{ k: string | number; i: number; n: number }>(`SELECT k, i, sum(hist[i]) AS n FROM (${rows}) AS g, generate_subscripts(g.hist, 1) AS i GROUP BY k, i`, params),
    ]);
    for (const row of sums.rows) {
      out.set(row.k, {
        calls: row.calls, errors: row.errors, durationSum: row.duration_sum, durationMax: row.duration_max,
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
    const { rows } = await this.pool.query<{ bytes: number }>("SELECT pg_total_relation_size('analytics_rollups') + pg_total_relation_size('analytics_counted') AS bytes");
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
