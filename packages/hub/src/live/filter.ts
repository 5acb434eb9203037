import type { Span, SpanFilter } from '@runtime-hub/protocol';

const FIELDS = ['service', 'traceId', 'sessionId', 'kind', 'status'] as const;

/** Whether a span passes a live filter (every given field must match). */
export function matchesFilter(span: Span, filter: SpanFilter): boolean {
  for (const field of FIELDS) {
    const wanted = filter[field];
    if (wanted !== undefined && span[field] !== wanted) return false;
  }
  return true;
}

/**
 * The Socket.IO room of a filter. Subscribers with equal filters share one room, so a batch is
 * matched and encoded once per distinct filter, not once per client.
 */
export function roomOf(filter: SpanFilter): string {
  return `f:${JSON.stringify(FIELDS.map((field) => filter[field] ?? null))}`;
}

export function filterOfRoom(room: string): SpanFilter | undefined {
  if (!room.startsWith('f:')) return undefined;
  const values = JSON.parse(room.slice(2)) as (string | null)[];
  const filter: Record<string, string> = {};
  FIELDS.forEach((field, i) => {
    const value = values[i];
    if (value !== null && value !== undefined) filter[field] = value;
  });
  return filter as SpanFilter;
}
