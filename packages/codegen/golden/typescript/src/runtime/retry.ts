import type { Failure, RetryPolicy } from './types.js';

/** The engine's retry policy (docs/workflows.md, Retries): which failures are retried, and when. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 0,
  initialBackoffMs: 1000,
  multiplier: 2,
  maxBackoffMs: 60_000,
  jitter: 0.1,
  retryOnStatuses: [429, 500, 502, 503, 504],
  retryOnErrors: [
    'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
    'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'NODE_TIMEOUT',
  ],
};

/** The node's own fields win, then the workflow's settings, then the defaults. */
export function effectivePolicy(...patches: (Partial<RetryPolicy> | undefined)[]): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const patch of patches.slice().reverse()) {
    if (!patch) continue;
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) (policy as unknown as Record<string, unknown>)[key] = value;
  }
  return policy;
}

export function isRetryable(failure: Failure, nonRetryable: boolean, policy: RetryPolicy): boolean {
  if (nonRetryable) return false;
  if (failure.status !== undefined && policy.retryOnStatuses.includes(failure.status)) return true;
  return policy.retryOnErrors.includes(failure.code);
}

/** `min(initial × multiplier^(retry-1), max)`, spread by ± jitter, never above max. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: number): number {
  const base = Math.min(policy.initialBackoffMs * policy.multiplier ** Math.max(0, retry - 1), policy.maxBackoffMs);
  const spread = base * policy.jitter * (2 * random - 1);
  return Math.max(0, Math.min(policy.maxBackoffMs, Math.round(base + spread)));
}
