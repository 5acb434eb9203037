import { Redis } from 'ioredis';
import { CronScheduler, ManualClock, MemoryRunStore, settle } from '@runtime-hub/engine';
import type { CronFire, RunCoordinator } from '@runtime-hub/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisTestServer } from '../../testing/redis-server.js';
import { EmbeddedRunCoordinator } from './embedded-coordinator.js';
import { RedisRunCoordinator } from './redis-coordinator.js';

const at = (iso: string) => Date.parse(iso);
const iso = (times: number[]) => times.map((t) => new Date(t).toISOString());

let server: RedisTestServer;
beforeAll(async () => {
  server = await startRedisServer();
}, 60_000);
afterAll(() => server?.close());

/**
 * Three replicas' schedulers on one clock, each with its own store (as hubs that restarted at
 * different times), firing through the shared coordinator: what WorkflowService.fireCron does.
 */
async function replicasFire(coordinator: RunCoordinator, start: string, end: string, expression: string): Promise<CronFire[]> {
  const clock = new ManualClock(at(start));
  const fired: CronFire[] = [];
  const claims: Promise<void>[] = [];
  const schedulers = [0, 1, 2].map(
    () =>
      new CronScheduler({
        clock,
        store: new MemoryRunStore(),
        fire: (fire) => {
          const claim = coordinator.claimTick(`${fire.project}/${fire.workflow}`, fire.scheduledAt).then((won) => void (won && fired.push(fire)));
          claims.push(claim);
          return claim;
        },
      }),
  );
  for (const scheduler of schedulers) await scheduler.sync([{ project: 'p', workflow: 'nightly', trigger: { type: 'cron', expression, timezone: 'Europe/Berlin', missed: 'skip' } }]);
  // An hour at a time, letting each claim (a real round trip to Redis) finish before the clock
  // moves on, as real time would.
  while (clock.now() < at(end)) {
    await clock.advance(3_600_000);
    await Promise.all(claims.splice(0));
    await settle();
  }
  for (const scheduler of schedulers) scheduler.stop();
  return fired;
}

describe('cron across replicas through the RunCoordinator', () => {
  const makers: [string, () => { coordinator: RunCoordinator; close(): void }][] = [
    ['embedded', () => ({ coordinator: new EmbeddedRunCoordinator(), close: () => undefined })],
    [
      'redis',
      () => {
        const redis = new Redis(server.url);
        return { coordinator: new RedisRunCoordinator(redis, 'cron-replicas'), close: () => redis.disconnect() };
      },
    ],
  ];
  for (const [name, make] of makers) {
    it(`${name}: fires each tick once, DST-correct (Europe/Berlin, spring forward and fall back)`, async () => {
      const { coordinator, close } = make();
      const spring = await replicasFire(coordinator, '2024-03-30T00:00:00Z', '2024-04-01T12:00:00Z', '30 2 * * *');
      // 02:30 does not exist on the spring-forward day: fired once, at the end of the gap (03:00), as one hub would.
      expect(iso(spring.map((f) => f.scheduledAt))).toEqual(['2024-03-30T01:30:00.000Z', '2024-03-31T01:00:00.000Z', '2024-04-01T00:30:00.000Z']);
      const autumn = await replicasFire(coordinator, '2024-10-26T00:00:00Z', '2024-10-28T12:00:00Z', '30 2 * * *');
      // 02:30 happens twice on the fall-back day: still one fire.
      expect(iso(autumn.map((f) => f.scheduledAt))).toEqual(['2024-10-26T00:30:00.000Z', '2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z']);
      close();
    }, 60_000);
  }
});
