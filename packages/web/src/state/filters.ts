import type { Span, SpanKind } from '../api/types';
import type { QueryParams } from '../api/client';

/** What the user filters by; every view reads the same filters from the URL, so links share them. */
export interface Filters {
  service?: string;
  kind?: SpanKind;
  /** `running` is a span without an end yet. */
  status?: FilterStatus;
  /** Text contained in the name. */
  q?: string;
  /** Minimum duration in milliseconds. */
  minMs?: number;
  sessionId?: string;
  /** Only the last 15 minutes, hour, day or week (lists; the live feed is always "now"). */
  range?: TimeRange;
}

export const TIME_RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;

export const FILTER_STATUSES = ['ok', 'error', 'running'] as const;
export type FilterStatus = (typeof FILTER_STATUSES)[number];

export const FILTER_KINDS: readonly SpanKind[] = ['function', 'llm', 'tool', 'agent', 'workflow', 'node', 'http', 'hook', 'internal'];

/** The query-string keys that carry filters (everything else in the URL is view state). */
export const FILTER_KEYS = ['service', 'kind', 'status', 'q', 'minMs', 'sessionId', 'range'] as const;

export function parseFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Filters = {};
  const service = params.get('service');
  if (service) filters.service = service;
  const kind = params.get('kind');
  if (kind && (FILTER_KINDS as readonly string[]).includes(kind)) filters.kind = kind as SpanKind;
  const status = params.get('status');
  if (status && (FILTER_STATUSES as readonly string[]).includes(status)) filters.status = status as FilterStatus;
  const q = params.get('q');
  if (q) filters.q = q;
  const minMs = Number(params.get('minMs'));
  if (params.has('minMs') && Number.isFinite(minMs) && minMs > 0) filters.minMs = minMs;
  const sessionId = params.get('sessionId');
  if (sessionId) filters.sessionId = sessionId;
  const range = params.get('range');
  if (range && range in TIME_RANGES) filters.range = range as TimeRange;
  return filters;
}

/** Writes filters into a query string, keeping the other (view) parameters as they are. */
export function withFilters(search: string, filters: Filters): string {
  const params = new URLSearchParams(search);
  for (const key of FILTER_KEYS) params.delete(key);
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Only the filter part of a query string: carried along when switching views. */
export function filterSearch(search: string): string {
  return withFilters('', parseFilters(search));
}

export function hasFilters(filters: Filters): boolean {
  return FILTER_KEYS.some((key) => filters[key] !== undefined);
}

export function sameFilters(a: Filters, b: Filters): boolean {
  return FILTER_KEYS.every((key) => a[key] === b[key]);
}

/** The part of the filters the hub applies to a live subscription. */
export function liveFilterOf(filters: Filters): { service?: string; kind?: SpanKind; status?: 'ok' | 'error'; sessionId?: string } {
  const live: { service?: string; kind?: SpanKind; status?: 'ok' | 'error'; sessionId?: string } = {};
  if (filters.service) live.service = filters.service;
  if (filters.kind) live.kind = filters.kind;
  if (filters.sessionId) live.sessionId = filters.sessionId;
  // A running span has status "unset" until it ends; the live filter would then miss its end
  // record, so "running" is checked in the browser instead.
  if (filters.status === 'ok' || filters.status === 'error') live.status = filters.status;
  return live;
}

/** Whether the filters need checks the hub's live channel does not do. */
export function needsClientFilter(filters: Filters): boolean {
  return filters.status === 'running' || filters.q !== undefined || filters.minMs !== undefined;
}

/** Every filter, checked in the browser. */
export function matchesFilters(span: Span, filters: Filters): boolean {
  if (filters.service !== undefined && span.service !== filters.service) return false;
  if (filters.kind !== undefined && span.kind !== filters.kind) return false;
  if (filters.sessionId !== undefined && span.sessionId !== filters.sessionId) return false;
  if (filters.status === 'running' && span.endTime !== null) return false;
  if ((filters.status === 'ok' || filters.status === 'error') && span.status !== filters.status) return false;
  if (filters.q !== undefined && !span.name.toLowerCase().includes(filters.q.toLowerCase())) return false;
  if (filters.minMs !== undefined && (span.durationMs === null || span.durationMs < filters.minMs)) return false;
  return true;
}

/** Filters as query parameters of the REST API (`/api/v1/spans`, `/traces`, `/export`). */
export function apiParamsOf(filters: Filters, now = Date.now()): QueryParams {
  return {
    from: filters.range ? Math.floor(now - TIME_RANGES[filters.range]) : undefined,
    service: filters.service,
    kind: filters.kind,
    status: filters.status === 'running' ? 'unset' : filters.status,
    q: filters.q,
    minDurationMs: filters.minMs,
    sessionId: filters.sessionId,
  };
}
