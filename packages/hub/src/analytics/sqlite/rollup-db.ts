import type Database from 'better-sqlite3';
import { addEncoded, emptyHistogram, encodeHistogram, quantile, type DenseHistogram } from '../../stats/log-histogram.js';
import { planSegments, tierForStep } from '../query-plan.js';
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

const UPSERT = `INSERT INTO rollups VALUES (@res, @bucket, @service, @name, @kind, @model, @calls, @errors, @durationSumMs, @durationMaxMs, @inputTokens, @outputTokens, @costUsd, @histogram)
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

/** Sums of one group across segments, histogram kept dense until the end. */
interface Sums {
  calls: number;
  errors: number;
  durationSum: number;
  durationMax: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  dense: DenseHistogram;
}

const GROUPS: Record<BreakdownQuery['by'], { columns: string[]; where?: string }> = {
  service: { columns: ['service'] },
  function: { columns: ['service', 'name'] },
  model: { columns: ['model'], where: "model <> ''" },
  workflow: { columns: ['service', 'name'], where: "kind = 'workflow'" },
};

const ORDER: Record<BreakdownQuery['sort'], (row: BreakdownRow) => number> = {
  calls: (r) => r.calls,
  errors: (r) => r.errors,
  errorRate: (r) => r.errorRate,
  p95: (r) => r.p95Ms ?? -1,
  cost: (r) => r.costUsd,
};

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
      db.exec('DROP TABLE IF EXISTS rollups');
      db.pragma(`user_version = ${VERSION}`);
    }
    db.exec(SCHEMA);
    this.upsert = db.prepare(UPSERT);
    this.addAll = db.transaction((deltas: readonly RollupDelta[]) => {
      for (const delta of deltas) {
        const histogram = Buffer.from(delta.histogram.buffer, delta.histogram.byteOffset, delta.histogram.byteLength);
        for (const { res } of TIERS) this.upsert.run({ ...delta, res, bucket: Math.floor(delta.bucket / res) * res, histogram });
      }
    });
  }

  add(deltas: readonly RollupDelta[]): void {
    this.addAll(deltas);
  }

  prune(now: number): number {
    let deleted = 0;
    const remove = this.db.prepare('DELETE FROM rollups WHERE res = ? AND bucket < ?');
    for (const { res, keepMs } of TIERS) if (Number.isFinite(keepMs)) deleted += remove.run(res, now - keepMs).changes;
    return deleted;
  }

  series(filter: MetricsFilter, step: number, now = Date.now()): MetricsSeries {
    const from = Math.floor(filter.from / step) * step;
    const to = Math.ceil(filter.to / step) * step;
    const points = this.sum(planSegments(from, to, tierForStep(step, from, now), now), `(bucket / ${step}) * ${step}`, filter);
    const series: MetricsSeries = {
      step, t: [], calls: [], errors: [], errorRate: [], p50Ms: [], p95Ms: [], p99Ms: [], inputTokens: [], outputTokens: [], costUsd: [],
      totals: totalsOf(emptySums()),
    };
    const all = emptySums();
    for (const [t, sums] of [...points].sort((a, b) => Number(a[0]) - Number(b[0]))) {
      const totals = totalsOf(sums);
      series.t.push(Number(t));
      series.calls.push(totals.calls);
      series.errors.push(totals.errors);
      series.errorRate.push(totals.errorRate);
      series.p50Ms.push(totals.p50Ms);
      series.p95Ms.push(totals.p95Ms);
      series.p99Ms.push(totals.p99Ms);
      series.inputTokens.push(totals.inputTokens);
      series.outputTokens.push(totals.outputTokens);
      series.costUsd.push(totals.costUsd);
      addSums(all, sums);
    }
    series.totals = totalsOf(all);
    return series;
  }

  totals(filter: MetricsFilter, now = Date.now()): MetricsTotals {
    const all = this.sum(planSegments(filter.from, filter.to, DAY, now), "'all'", filter);
    return totalsOf(all.get('all') ?? emptySums());
  }

  breakdown(query: BreakdownQuery, now = Date.now()): BreakdownRow[] {
    const group = GROUPS[query.by];
    const key = group.columns.join(` || char(0) || `);
    const groups = this.sum(planSegments(query.from, query.to, DAY, now), key, query, group.where);
    const rows = [...groups].map(([k, sums]): BreakdownRow => {
      const parts = String(k).split('\u0000');
      const row: BreakdownRow = { service: '', ...totalsOf(sums) };
      group.columns.forEach((column, i) => ((row as unknown as Record<string, string>)[column] = parts[i]!));
      return row;
    });
    const order = ORDER[query.sort];
    return rows.sort((a, b) => order(b) - order(a)).slice(0, query.limit);
  }

  /** Sums grouped by `key` (an SQL expression) over every segment, merged across segments. */
  private sum(segments: readonly { res: number; from: number; to: number }[], key: string, filter: MetricsFilter, extra?: string): Map<string | number, Sums> {
    const clauses = ['res = ?', 'bucket >= ?', 'bucket < ?'];
    const filters: unknown[] = [];
    for (const column of ['service', 'name', 'model', 'kind'] as const) {
      if (filter[column] !== undefined) {
        clauses.push(`${column} = ?`);
        filters.push(filter[column]);
      }
    }
    if (extra) clauses.push(extra);
    const statement = this.db.prepare(`SELECT ${key} AS k, ${SUMS} FROM rollups WHERE ${clauses.join(' AND ')} GROUP BY k`);
    const out = new Map<string | number, Sums>();
    for (const segment of segments) {
      for (const row of statement.all(segment.res, segment.from, segment.to, ...filters) as (SumRow & { k: string | number })[]) {
        let sums = out.get(row.k);
        if (!sums) out.set(row.k, (sums = emptySums()));
        sums.calls += row.calls;
        sums.errors += row.errors;
        sums.durationSum += row.durationSum;
        sums.durationMax = Math.max(sums.durationMax, row.durationMax);
        sums.inputTokens += row.inputTokens;
        sums.outputTokens += row.outputTokens;
        sums.costUsd += row.costUsd;
        addEncoded(sums.dense, row.hist);
      }
    }
    return out;
  }
}

function emptySums(): Sums {
  return { calls: 0, errors: 0, durationSum: 0, durationMax: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, dense: emptyHistogram() };
}

function addSums(into: Sums, sums: Sums): void {
  into.calls += sums.calls;
  into.errors += sums.errors;
  into.durationSum += sums.durationSum;
  into.durationMax = Math.max(into.durationMax, sums.durationMax);
  into.inputTokens += sums.inputTokens;
  into.outputTokens += sums.outputTokens;
  into.costUsd += sums.costUsd;
  for (let i = 0; i < sums.dense.length; i++) into.dense[i]! += sums.dense[i]!;
}

/** Rates, the mean and the quantiles of merged sums. */
function totalsOf(s: Sums): MetricsTotals {
  const totals: MetricsTotals = {
    calls: s.calls, errors: s.errors, errorRate: 0, avgMs: null, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null,
    inputTokens: s.inputTokens, outputTokens: s.outputTokens, costUsd: s.costUsd,
  };
  if (s.calls === 0) return totals;
  totals.errorRate = s.errors / s.calls;
  totals.avgMs = s.durationSum / s.calls;
  totals.maxMs = s.durationMax;
  totals.p50Ms = quantile(s.dense, 0.5, s.durationMax);
  totals.p95Ms = quantile(s.dense, 0.95, s.durationMax);
  totals.p99Ms = quantile(s.dense, 0.99, s.durationMax);
  return totals;
}
