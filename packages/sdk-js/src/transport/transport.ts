/**
 * Where the SDK's requests go. Implementations return a result and never throw or reject: the
 * exporter decides from `retryable` whether to keep the batch.
 */
export interface Transport {
  /** POSTs a JSON body (already serialized) to `path` on the hub. */
  send(path: string, json: string): Promise<TransportResult>;
  /** Releases sockets; the SDK calls it on shutdown. */
  close?(): void;
}

export type TransportResult =
  | { ok: true; status: number; body: string }
  | { ok: false; retryable: boolean; status?: number; retryAfterMs?: number; error: string };

/** Statuses worth retrying: the hub is overloaded, restarting or timed out. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Parses Retry-After: delay-seconds or an HTTP date. Returns milliseconds or undefined.
 *
 * @example
 *   parseRetryAfter('2') // 2000
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
