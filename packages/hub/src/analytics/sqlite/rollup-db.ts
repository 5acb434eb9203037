import type Database from 'better-sqlite3';
import { addEncoded, emptyHistogram, encodeHistogram, type DenseHistogram } from '../../stats/log-histogram.js';
import { planSegments, tierForStep } from '../query-plan.js';
import { addDelta, asBuffer, breakdownOf, emptySums, GROUPS, seriesOf, totalsByService, totalsOf, type Sums } from '../rollup-sums.js';
import { DAY, TIERS, type BreakdownQuery, type BreakdownRow, type MetricsFilter, type MetricsSeries, type MetricsTotals, type RollupDelta } from '../rollup-store.js';

/** Bumped when the table changes shape; an older table is dropped (rollups rebuild from new spans). */
const VERSION = 2;

/**
 * One table; a row is one bucket (`res` wide) of one series. Clustered by (res, bucket), so every
 * segment of a query reads one contiguous range of one tier and nothing else.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS rollups (
  res INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  model TEXT NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  duration_sum REAL NOT NULL,
  duration_max REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (res, bucket, service, name, kind, model)
) WITHOUT ROWID;
`;

/**
 * The same sums pre-merged per service (service '' = every service): what a chart of all services,
 * or of one, and the per-service table read — one row per bucket instead of one per series, so a
 * day of 10-minute points merges 144 histograms, not 144 × the number of series.
 */
const TOTALS_SCHEMA = `
CREATE TABLE rollup_totals (
  res INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  service TEXT NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  duration_sum REAL NOT NULL,
  duration_max REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (res, bucket, service)
) WITHOUT ROWID;
`;
/** Fills rollup_totals from the rows of a file written before it existed (once). */
const TOTALS_BACKFILL = `INSERT INTO rollup_totals
  SELECT res, bucket, service, sum(calls), sum(errors), sum(duration_sum), max(duration_max), sum(input_tokens), sum(output_tokens), sum(cost_usd), hist_sum(hist)
  FROM rollups GROUP BY res, bucket, service
  UNION ALL
  SELECT res, bucket, '', sum(calls), sum(errors), sum(duration_sum), max(duration_max), sum(input_tokens), sum(output_tokens), sum(cost_usd), hist_sum(hist)
  FROM rollups GROUP BY res, bucket`;

const UPSERT = `INSERT INTO rollups VALUES (@res, @bucket, @service, @name, @kind, @model, @calls, @errors, @durationSumMs, @durationMaxMs, @inputTokens, @outputTokens, @costUsd, @histogram)
ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors,
  duration_sum = duration_sum + excluded.duration_sum, duration_max = MAX(duration_max, excluded.duration_max),
  input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
  cost_usd = cost_usd + excluded.cost_usd, hist = hist_merge(hist, excluded.hist)`;

const UPSERT_TOTALS = `INSERT INTO rollup_totals VALUES (@res, @bucket, @service, @calls, @errors, @durationSumMs, @durationMaxMs, @inputTokens, @outputTokens, @costUsd, @histogram)
ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors,
  duration_sum = duration_sum + excluded.duration_sum, duration_max = MAX(duration_max, excluded.duration_max),
  input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
  cost_usd = cost_usd + excluded.cost_usd, hist = hist_merge(hist, excluded.hist)`;

/** The sums every query takes; `hist_sum` merges the rows' histograms. */
const SUMS = `sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum) AS durationSumMs, max(duration_max) AS durationMaxMs,
  sum(input_tokens) AS inputTokens, sum(output_tokens) AS outputTokens, sum(cost_usd) AS costUsd, hist_sum(hist) AS histogram`;

/** A group's row: the numbers of a delta and its merged histogram. */
type SumRow = Parameters<typeof addDelta>[1] & { k: string | number };

/** The analytics database as its thread sees it: writes, pruning and queries, synchronous. */
export class RollupDb {
  private readonly upsert: Database.Statement;
  private readonly addAll: (deltas: readonly RollupDelta[]) => void;

  constructor(private readonly db: Database.Database) {
    db.function('hist_merge', { deterministic: true }, (a: unknown, b: unknown) => {
      const dense = emptyHistogram();
      addEncoded(dense, a as Buffer);
      addEncoded(dense, b as Buffer);
      return encodeHistogram(dense);
    });
    db.aggregate('hist_sum', {
      start: () => null as DenseHistogram | null,
      step: (dense: DenseHistogram | null, encoded: unknown) => {
        const into = dense ?? emptyHistogram();
        addEncoded(into, encoded as Buffer);
        return into;
      },
      result: (dense: DenseHistogram | null) => (dense ? encodeHistogram(dense) : Buffer.alloc(0)),
    });
    if ((db.pragma('user_version', { simple: true }) as number) !== VERSION) {
      db.exec('DROP TABLE IF EXISTS rollups; DROP TABLE IF EXISTS rollup_totals');
      db.pragma(`user_version = ${VERSION}`);
    }
    db.exec(SCHEMA);
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'rollup_totals'").get() === undefined) {
      db.transaction(() => db.exec(TOTALS_SCHEMA + ';' + TOTALS_BACKFILL))();
    }
    this.upsert = db.prepare(UPSERT);
    const upsertTotals = db.prepare(UPSERT_TOTALS);
    this.addAll = db.transaction((deltas: readonly RollupDelta[]) => {
      for (const delta of deltas) {
        const histogram = asBuffer(delta.histogram);
        for (const { res } of TIERS) this.upsert.run({ ...delta, res, bucket: Math.floor(delta.bucket / res) * res, histogram });
      }
      for (const total of totalsByService(deltas)) {
        const histogram = encodeHistogram(total.dense);
        for (const { res } of TIERS) upsertTotals.run({ ...total, dense: undefined, res, bucket: Math.floor(total.bucket / res) * res, histogram });
      }
    });
  }

  add(deltas: readonly RollupDelta[]): void {
    this.addAll(deltas);
  }

  prune(now: number): number {
    let deleted = 0;
    const remove = this.db.prepare('DELETE FROM rollups WHERE res = ? AND bucket < ?');
    const removeTotals = this.db.prepare('DELETE FROM rollup_totals WHERE res = ? AND bucket < ?');
    for (const { res, keepMs } of TIERS) {
      if (!Number.isFinite(keepMs)) continue;
      deleted += remove.run(res, now - keepMs).changes;
      removeTotals.run(res, now - keepMs);
    }
    return deleted;
  }

  series(filter: MetricsFilter, step: number, now = Date.now()): MetricsSeries {
    const from = Math.floor(filter.from / step) * step;
    const to = Math.ceil(filter.to / step) * step;
    return seriesOf(step, this.sum(planSegments(from, to, tierForStep(step, from, now), now), `(bucket / ${step}) * ${step}`, filter));
  }

  totals(filter: MetricsFilter, now = Date.now()): MetricsTotals {
    const all = this.sum(planSegments(filter.from, filter.to, DAY, now), "'all'", filter);
    return totalsOf(all.get('all') ?? emptySums());
  }

  breakdown(query: BreakdownQuery, now = Date.now()): BreakdownRow[] {
    const group = GROUPS[query.by];
    const key = group.columns.join(` || char(0) || `);
    const where = group.kind ? `kind = '${group.kind}'` : group.modelOnly ? "model <> ''" : undefined;
    return breakdownOf(query, this.sum(planSegments(query.from, query.to, DAY, now), key, query, where), '\u0000');
  }

  /**
   * Sums grouped by `key` (an SQL expression) over every segment, merged across segments. What
   * needs no more than the service (a chart of all services or one, the per-service table) reads
   * the pre-merged `rollup_totals`; the rest reads the series rows.
   */
  private sum(segments: readonly { res: number; from: number; to: number }[], key: string, filter: MetricsFilter, extra?: string): Map<string | number, Sums> {
    const clauses = ['res = ?', 'bucket >= ?', 'bucket < ?'];
    const filters: unknown[] = [];
    const perService = extra === undefined && filter.name === undefined && filter.model === undefined && filter.kind === undefined && !/\b(name|kind|model)\b/.test(key);
    for (const column of ['service', 'name', 'model', 'kind'] as const) {
      if (filter[column] !== undefined) {
        clauses.push(`${column} = ?`);
        filters.push(filter[column]);
      }
    }
    // In rollup_totals, service '' is every service's row.
    if (perService && filter.service === undefined) clauses.push(key === 'service' ? "service <> ''" : "service = ''");
    if (extra) clauses.push(extra);
    const table = perService ? 'rollup_totals' : 'rollups';
    const statement = this.db.prepare(`SELECT ${key} AS k, ${SUMS} FROM ${table} WHERE ${clauses.join(' AND ')} GROUP BY k`);
    const out = new Map<string | number, Sums>();
    for (const segment of segments) {
      for (const row of statement.all(segment.res, segment.from, segment.to, ...filters) as SumRow[]) {
        let sums = out.get(row.k);
        if (!sums) out.set(row.k, (sums = emptySums()));
        addDelta(sums, row);
      }
    }
    return out;
  }
}
