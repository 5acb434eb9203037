import type { Span, SpanFilter } from '@runtime-hub/protocol';

const FIELDS = ['service', 'traceId', 'sessionId', 'kind', 'status'] as const;

/** Whether a span passes a live filter (every given field must match). */
export function matchesFilter(span: Pick<Span, (typeof FIELDS)[number]>, filter: SpanFilter): boolean {
  for (const field of FIELDS) {
    const wanted = filter[field];
    if (wanted !== undefined && span[field] !== wanted) return false;
  }
  return true;
}

/** A subscription's room: its filter, and whether it asked for whole spans. */
export interface RoomSubscription {
  filter: SpanFilter;
  payloads: boolean;
}

/**
 * The Socket.IO room of a subscription. Subscribers with equal filters (and the same payload
 * choice) share one room, so a batch is matched and encoded once per room, not once per client.
 */
export function roomOf(filter: SpanFilter, payloads = false): string {
  return `f:${JSON.stringify([...FIELDS.map((field) => filter[field] ?? null), payloads])}`;
}

export function subscriptionOfRoom(room: string): RoomSubscription | undefined {
  if (!room.startsWith('f:')) return undefined;
  const values = JSON.parse(room.slice(2)) as (string | boolean | null)[];
  const filter: Record<string, string> = {};
  FIELDS.forEach((field, i) => {
    const value = values[i];
    if (typeof value === 'string') filter[field] = value;
  });
  return { filter: filter as SpanFilter, payloads: values[FIELDS.length] === true };
}
