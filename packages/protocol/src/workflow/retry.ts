import { z } from 'zod';

/** HTTP statuses retried by default: rate limiting and the transient server errors. */
export const DEFAULT_RETRY_STATUSES = [429, 500, 502, 503, 504] as const;

/**
 * Error codes retried by default: network failures (Node's `errno` codes, undici's socket codes)
 * and a node that ran out of time. Anything else fails at once unless its code is added here.
 */
export const DEFAULT_RETRY_ERRORS = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'NODE_TIMEOUT',
] as const;

/**
 * A retry policy (seed 003): attempt `n` (n ≥ 1 counts retries) waits
 * `min(initialBackoffMs × multiplier^(n-1), maxBackoffMs)`, spread by ± `jitter` (a fraction).
 *
 * @example
 *   { "maxRetries": 3, "initialBackoffMs": 1000, "multiplier": 2, "maxBackoffMs": 60000, "jitter": 0.1 }
 */
export const RetryPolicy = z.object({
  maxRetries: z.int().min(0).max(100),
  initialBackoffMs: z.number().min(0).max(7 * 24 * 3600 * 1000),
  multiplier: z.number().min(1).max(100),
  maxBackoffMs: z.number().min(0).max(7 * 24 * 3600 * 1000),
  jitter: z.number().min(0).max(1),
  retryOnStatuses: z.array(z.int().min(100).max(599)).max(100),
  retryOnErrors: z.array(z.string().min(1).max(128)).max(100),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** The policy of a node that configures none: no retries, the default lists for when it does. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 0,
  initialBackoffMs: 1000,
  multiplier: 2,
  maxBackoffMs: 60_000,
  jitter: 0.1,
  retryOnStatuses: [...DEFAULT_RETRY_STATUSES],
  retryOnErrors: [...DEFAULT_RETRY_ERRORS],
};

/** What a node or a workflow's settings may set; unset fields fall back to the next level. */
export const RetryPolicyPatch = RetryPolicy.partial();
export type RetryPolicyPatch = z.infer<typeof RetryPolicyPatch>;
