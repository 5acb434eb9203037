import { request, toSearch, type QueryParams } from '../../api/client';

/** Totals of a range or a group (GET /api/v1/metrics/…; docs/api.md, Metrics). */
export interface MetricsTotals {
  calls: number;
  errors: number;
  errorRate: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface MetricsSeries {
  step: number;
  t: number[];
  calls: number[];
  errors: number[];
  errorRate: number[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
  inputTokens: number[];
  outputTokens: number[];
  costUsd: number[];
  totals: MetricsTotals;
}

export type BreakdownBy = 'service' | 'function' | 'model' | 'workflow';
export type BreakdownSort = 'calls' | 'errors' | 'errorRate' | 'p95' | 'cost';

export interface BreakdownRow extends MetricsTotals {
  service: string;
  name?: string;
  model?: string;
}

/** What the view looks at: a range and optional service, function (name), model and kind. */
export interface MetricsScope {
  from: number;
  to: number;
  service?: string;
  name?: string;
  model?: string;
  kind?: string;
}

const params = (scope: MetricsScope): QueryParams => ({ from: scope.from, to: scope.to, service: scope.service, name: scope.name, model: scope.model, kind: scope.kind });

export const metricsApi = {
  series: (scope: MetricsScope, signal?: AbortSignal) => request<MetricsSeries>(`/api/v1/metrics/series${toSearch(params(scope))}`, signal ? { signal } : {}),
  breakdown: (scope: MetricsScope, by: BreakdownBy, sort: BreakdownSort, limit = 10, signal?: AbortSignal) =>
    request<{ rows: BreakdownRow[] }>(`/api/v1/metrics/breakdown${toSearch({ ...params(scope), by, sort, limit })}`, signal ? { signal } : {}),
};

/** Ranges the view offers, ms back from now. */
export const METRIC_RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type MetricRange = keyof typeof METRIC_RANGES;
