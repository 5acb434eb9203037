import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '@runtime-hub/protocol';
import { backoffDelay, effectivePolicy, hasRetriesLeft, isRetryable } from './policy.js';

describe('backoffDelay', () => {
  const policy = { initialBackoffMs: 1000, multiplier: 2, maxBackoffMs: 10_000, jitter: 0 };

  it('grows exponentially from the initial backoff', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, 0.3))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('is capped at the maximum backoff', () => {
    expect(backoffDelay(5, policy, 0)).toBe(10_000);
    expect(backoffDelay(50, policy, 0)).toBe(10_000);
  });

  it('spreads by at most ± jitter and never exceeds the maximum', () => {
    const jittered = { ...policy, jitter: 0.25 };
    expect(backoffDelay(2, jittered, 0)).toBe(1500);
    expect(backoffDelay(2, jittered, 0.5)).toBe(2000);
    expect(backoffDelay(2, jittered, 0.999999)).toBe(2500);
    expect(backoffDelay(9, jittered, 0.999999)).toBe(10_000);
  });
});

describe('isRetryable', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('retries the listed HTTP statuses and error codes', () => {
    for (const status of [429, 500, 502, 503, 504]) {
      expect(isRetryable({ code: 'HTTP_STATUS', message: '', retryable: false, status }, false, policy)).toBe(true);
    }
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'NODE_TIMEOUT']) {
      expect(isRetryable({ code, message: '', retryable: false }, false, policy)).toBe(true);
    }
  });

  it('fails at once on other statuses, unknown codes and non-retryable failures', () => {
    expect(isRetryable({ code: 'HTTP_STATUS', message: '', retryable: false, status: 404 }, false, policy)).toBe(false);
    expect(isRetryable({ code: 'CODE_ERROR', message: '', retryable: false }, false, policy)).toBe(false);
    expect(isRetryable({ code: 'ECONNRESET', message: '', retryable: false }, true, policy)).toBe(false);
  });

  it('retries a code the policy adds', () => {
    const custom = { ...policy, retryOnErrors: ['CODE_ERROR'] };
    expect(isRetryable({ code: 'CODE_ERROR', message: '', retryable: false }, false, custom)).toBe(true);
  });
});

describe('effectivePolicy', () => {
  it('takes node fields over workflow fields over defaults', () => {
    const merged = effectivePolicy({ maxRetries: 5 }, { maxRetries: 2, multiplier: 3 });
    expect(merged.maxRetries).toBe(5);
    expect(merged.multiplier).toBe(3);
    expect(merged.initialBackoffMs).toBe(DEFAULT_RETRY_POLICY.initialBackoffMs);
  });

  it('counts attempts: maxRetries 2 allows attempts 1..3', () => {
    const p = effectivePolicy({ maxRetries: 2 });
    expect([1, 2, 3].map((a) => hasRetriesLeft(a, p))).toEqual([true, true, false]);
  });
});
