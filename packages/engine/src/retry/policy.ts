import { DEFAULT_RETRY_POLICY } from '@runtime-hub/protocol';
import type { Failure, RetryPolicy, RetryPolicyPatch } from '@runtime-hub/protocol';

/**
 * Retry decisions (seed 003), pure: which policy applies, whether a failure is retried, and how
 * long to wait before the next attempt. Randomness (jitter) comes from the caller.
 */

/** The node's own fields win, then the workflow's settings, then the defaults. */
export function effectivePolicy(...patches: (RetryPolicyPatch | undefined)[]): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const patch of patches.slice().reverse()) {
    if (!patch) continue;
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) (policy as Record<string, unknown>)[key] = value;
    }
  }
  return policy;
}

/**
 * A failure is retried when it carries a listed HTTP status or a listed code, unless it was
 * declared non-retryable. Everything else (bad config, a thrown error in code) fails at once;
 * add its code to `retryOnErrors` to retry it.
 */
export function isRetryable(failure: Failure, nonRetryable: boolean, policy: RetryPolicy): boolean {
  if (nonRetryable) return false;
  if (failure.status !== undefined && policy.retryOnStatuses.includes(failure.status)) return true;
  return policy.retryOnErrors.includes(failure.code);
}

/**
 * The wait before retry number `retry` (1 for the first retry):
 * `min(initial × multiplier^(retry-1), max)`, then spread by ± jitter × delay, never above max.
 * `random` is a number in [0, 1).
 *
 * @example
 *   backoffDelay(3, { initialBackoffMs: 1000, multiplier: 2, maxBackoffMs: 60000, jitter: 0 }, 0.5) // 4000
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'initialBackoffMs' | 'multiplier' | 'maxBackoffMs' | 'jitter'>,
  random: number,
): number {
  const exponent = Math.max(0, retry - 1);
  const base = Math.min(policy.initialBackoffMs * policy.multiplier ** exponent, policy.maxBackoffMs);
  const spread = base * policy.jitter * (2 * random - 1);
  return Math.max(0, Math.min(policy.maxBackoffMs, Math.round(base + spread)));
}

/** Whether attempt number `attempt` (1-based) may be followed by another one. */
export function hasRetriesLeft(attempt: number, policy: RetryPolicy): boolean {
  return attempt <= policy.maxRetries;
}
