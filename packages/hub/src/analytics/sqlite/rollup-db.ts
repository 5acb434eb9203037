import type Database from 'better-sqlite3';
import { addEncoded, emptyHistogram, encodeHistogram, quantile, type DenseHistogram } from '../../stats/log-histogram.js';
import { DAY, HOUR, MINUTE, type BreakdownQuery, type BreakdownRow, type MetricsFilter, type MetricsSeries, type MetricsTotals, type RollupDelta } from '../rollup-store.js';

/**
 * One table; a row is one bucket (`res` wide) of one series. Clustered by bucket start, so every
 * query and every fold reads one contiguous range of the table and nothing else.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS rollups (
  bucket INTEGER NOT NULL,
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  model TEXT NOT NULL,
  res INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  duration_sum REAL NOT NULL,
  duration_max REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (bucket, service, name, kind, model, res)
) WITHOUT ROWID;
`;

const UPSERT = `INSERT INTO rollups VALUES (@bucket, @service, @name, @kind, @model, @res, @calls, @errors, @durationSumMs, @durationMaxMs, @inputTokens, @outputTokens, @costUsd, @histogram)
ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors,
  duration_sum = duration_sum + excluded.duration_sum, duration_max = MAX(duration_max, excluded.duration_max),
  input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
  cost_usd = cost_usd + excluded.cost_usd, hist = hist_merge(hist, excluded.hist)`;

/** The sums every query takes; `hist_sum` merges the rows' histograms. */
const SUMS = `sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum) AS durationSum, max(duration_max) AS durationMax,
  sum(input_tokens) AS inputTokens, sum(output_tokens) AS outputTokens, sum(cost_usd) AS costUsd, hist_sum(hist) AS hist`;

interface SumRow {
  calls: number;
  errors: number;
  durationSum: number;
  durationMax: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  hist: Buffer;
}

const GROUPS: Record<BreakdownQuery['by'], { columns: string; where?: string }> = {
  service: { columns: 'service' },
  function: { columns: 'service, name' },
  model: { columns: 'model', where: "model <> ''" },
  workflow: { columns: 'service, name', where: "kind = 'workflow'" },
};

const ORDER: Record<BreakdownQuery['sort'], (row: BreakdownRow) => number> = {
  calls: (r) => r.calls,
  errors: (r) => r.errors,
  errorRate: (r) => r.errorRate,
  p95: (r) => r.p95Ms ?? -1,
  cost: (r) => r.costUsd,
};

/** The analytics database as its thread sees it: writes, folds and queries, synchronous. */
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
    db.exec(SCHEMA);
    this.upsert = db.prepare(UPSERT);
    this.addAll = db.transaction((deltas: readonly RollupDelta[]) => {
      for (const delta of deltas) this.upsert.run({ ...delta, res: MINUTE, histogram: Buffer.from(delta.histogram.buffer, delta.histogram.byteOffset, delta.histogram.byteLength) });
    });
  }

  add(deltas: readonly RollupDelta[]): void {
    this.addAll(deltas);
  }

  /** Moves rows of width `from` that started before `before` into rows of width `to`, in one transaction. */
  private foldInto(from: number, to: number, before: number): number {
    const cutoff = Math.floor(before / to) * to; // only whole coarse buckets
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO rollups SELECT (bucket / ${to}) * ${to} AS b, service, name, kind, model, ${to}, ${SUMS.replace(/ AS \w+/g, '')}
           FROM rollups WHERE bucket < ? AND res = ${from} GROUP BY b, service, name, kind, model
           ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors,
             duration_sum = duration_sum + excluded.duration_sum, duration_max = MAX(duration_max, excluded.duration_max),
             input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
             cost_usd = cost_usd + excluded.cost_usd, hist = hist_merge(hist, excluded.hist)`,
        )
        .run(cutoff);
      return this.db.prepare(`DELETE FROM rollups WHERE bucket < ? AND res = ${from}`).run(cutoff).changes;
    })();
  }

  fold(minutesBefore: number, hoursBefore: number): { minutes: number; hours: number } {
    return { minutes: this.foldInto(MINUTE, HOUR, minutesBefore), hours: this.foldInto(HOUR, DAY, hoursBefore) };
  }

  series(filter: MetricsFilter, step: number): MetricsSeries {
    const { sql, params } = whereOf(filter);
    const rows = this.db
      .prepare(`SELECT (bucket / ${step}) * ${step} AS t, ${SUMS} FROM rollups ${sql} GROUP BY t ORDER BY t`)
      .all(...params) as (SumRow & { t: number })[];
    const series: MetricsSeries = {
      step, t: [], calls: [], errors: [], errorRate: [], p50Ms: [], p95Ms: [], p99Ms: [], inputTokens: [], outputTokens: [], costUsd: [],
      totals: totalsOf([]),
    };
    for (const row of rows) {
      const totals = totalsOf([row]);
      series.t.push(row.t);
      series.calls.push(totals.calls);
      series.errors.push(totals.errors);
      series.errorRate.push(totals.errorRate);
      series.p50Ms.push(totals.p50Ms);
      series.p95Ms.push(totals.p95Ms);
      series.p99Ms.push(totals.p99Ms);
      series.inputTokens.push(totals.inputTokens);
      series.outputTokens.push(totals.outputTokens);
      series.costUsd.push(totals.costUsd);
    }
    series.totals = totalsOf(rows);
    return series;
  }

  breakdown(query: BreakdownQuery): BreakdownRow[] {
    const group = GROUPS[query.by];
    const { sql, params } = whereOf(query, group.where);
    const rows = this.db
      .prepare(`SELECT ${group.columns}, ${SUMS} FROM rollups ${sql} GROUP BY ${group.columns}`)
      .all(...params) as (SumRow & { service?: string; name?: string; model?: string })[];
    const result = rows.map((row): BreakdownRow => {
      const out: BreakdownRow = { service: row.service ?? '', ...totalsOf([row]) };
      if (row.name !== undefined) out.name = row.name;
      if (row.model !== undefined) out.model = row.model;
      return out;
    });
    const key = ORDER[query.sort];
    return result.sort((a, b) => key(b) - key(a)).slice(0, query.limit);
  }
}

function whereOf(filter: MetricsFilter, extra?: string): { sql: string; params: unknown[] } {
  const clauses = ['bucket >= ?', 'bucket < ?'];
  const params: unknown[] = [filter.from, filter.to];
  for (const column of ['service', 'name', 'model', 'kind'] as const) {
    if (filter[column] !== undefined) {
      clauses.push(`${column} = ?`);
      params.push(filter[column]);
    }
  }
  if (extra) clauses.push(extra);
  return { sql: `WHERE ${clauses.join(' AND ')}`, params };
}

/** Totals of summed rows: rates, the mean and the quantiles of their merged histograms. */
function totalsOf(rows: readonly SumRow[]): MetricsTotals {
  const dense = emptyHistogram();
  const totals: MetricsTotals = { calls: 0, errors: 0, errorRate: 0, avgMs: null, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  let durationSum = 0;
  for (const row of rows) {
    totals.calls += row.calls;
    totals.errors += row.errors;
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.costUsd += row.costUsd;
    durationSum += row.durationSum;
    if (row.calls > 0) totals.maxMs = Math.max(totals.maxMs ?? 0, row.durationMax);
    addEncoded(dense, row.hist);
  }
  if (totals.calls === 0) return totals;
  totals.errorRate = totals.errors / totals.calls;
  totals.avgMs = durationSum / totals.calls;
  const max = totals.maxMs ?? Number.POSITIVE_INFINITY;
  totals.p50Ms = quantile(dense, 0.5, max);
  totals.p95Ms = quantile(dense, 0.95, max);
  totals.p99Ms = quantile(dense, 0.99, max);
  return totals;
}
