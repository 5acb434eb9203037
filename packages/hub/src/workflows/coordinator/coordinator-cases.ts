import { describe, expect, it } from 'vitest';
import type { RunCoordinator } from '@runtime-hub/engine';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The conformance suite every {@link RunCoordinator} passes (embedded and Redis). Expiry cases wait
 * well past a short lease: only "expired after" is asserted, never how soon.
 *
 * @example
 *   runCoordinatorConformance('redis', async () => ({ coordinator: new RedisRunCoordinator(redis, prefix) }));
 */
export function runCoordinatorConformance(name: string, make: () => Promise<{ coordinator: RunCoordinator; cleanup?: () => Promise<void> | void }>): void {
  describe(`RunCoordinator conformance: ${name}`, () => {
    async function withCoordinator(fn: (c: RunCoordinator) => Promise<void>): Promise<void> {
      const { coordinator, cleanup } = await make();
      try {
        await fn(coordinator);
      } finally {
        await coordinator.close?.();
        await cleanup?.();
      }
    }

    it('gives a run to one owner at a time; the owner renews it, a release frees it', () =>
      withCoordinator(async (c) => {
        expect(await c.claimRun('r1', 'worker-a', 60_000)).toBe(true);
        expect(await c.claimRun('r1', 'worker-b', 60_000)).toBe(false);
        expect(await c.claimRun('r1', 'worker-a', 60_000)).toBe(true);
        await c.releaseRun('r1', 'worker-b'); // not b's to release
        expect(await c.claimRun('r1', 'worker-b', 60_000)).toBe(false);
        await c.releaseRun('r1', 'worker-a');
        expect(await c.claimRun('r1', 'worker-b', 60_000)).toBe(true);
        expect(await c.claimRun('r2', 'worker-a', 60_000)).toBe(true);
      }));

    it('frees the run of an owner that stopped renewing once its lease ran out', () =>
      withCoordinator(async (c) => {
        expect(await c.claimRun('r1', 'killed', 100)).toBe(true);
        await pause(400);
        expect(await c.claimRun('r1', 'survivor', 60_000)).toBe(true);
        expect(await c.claimRun('r1', 'killed', 100)).toBe(false);
      }));

    it('exactly one of many simultaneous claims wins', () =>
      withCoordinator(async (c) => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.claimRun('contested', `w${i}`, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      }));

    it('holds a workflow to its limit of slots; holders renew, releases and expiries free them', () =>
      withCoordinator(async (c) => {
        expect(await c.acquireSlot('demo/send', 'a', 2, 60_000)).toBe(true);
        expect(await c.acquireSlot('demo/send', 'b', 2, 60_000)).toBe(true);
        expect(await c.acquireSlot('demo/send', 'c', 2, 60_000)).toBe(false);
        expect(await c.acquireSlot('demo/send', 'a', 2, 60_000)).toBe(true); // renewal
        expect(await c.acquireSlot('demo/other', 'c', 2, 60_000)).toBe(true); // per workflow
        await c.releaseSlot('demo/send', 'a');
        expect(await c.acquireSlot('demo/send', 'c', 2, 60_000)).toBe(true);
        expect(await c.acquireSlot('demo/send', 'd', 2, 60_000)).toBe(false);
        expect(await c.acquireSlot('demo/short', 'x', 1, 100)).toBe(true);
        await pause(400);
        expect(await c.acquireSlot('demo/short', 'y', 1, 60_000)).toBe(true);
      }));

    it('never grants more slots than the limit to simultaneous requests', () =>
      withCoordinator(async (c) => {
        const results = await Promise.all(Array.from({ length: 30 }, (_, i) => c.acquireSlot('demo/burst', `run-${i}`, 3, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(3);
      }));

    it('lets exactly one replica fire each tick of a schedule', () =>
      withCoordinator(async (c) => {
        const tick = Date.UTC(2026, 2, 29, 1, 0);
        const first = await Promise.all(Array.from({ length: 10 }, () => c.claimTick('demo/nightly', tick)));
        expect(first.filter(Boolean)).toHaveLength(1);
        expect(await c.claimTick('demo/nightly', tick)).toBe(false);
        expect(await c.claimTick('demo/nightly', tick + 3_600_000)).toBe(true);
        expect(await c.claimTick('demo/hourly', tick)).toBe(true);
      }));
  });
}
