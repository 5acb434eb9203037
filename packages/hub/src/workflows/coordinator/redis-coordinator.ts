import type { RunCoordinator } from '@runtime-hub/engine';
import type { Redis } from 'ioredis';

/** Sets the lease when it is free, expired or already ours. KEYS[1] lease; ARGV owner, ttl. */
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** Deletes the lease only if it is still ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * A sorted set of slot holders scored by lease end (Redis' own clock, so hosts' clocks may
 * differ): expired holders go first, then a holder renews, or a newcomer joins while there is
 * room. KEYS[1] slots; ARGV run, limit, ttl.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local ttl = tonumber(ARGV[3])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1`;

/** A claimed tick is remembered this long; far longer than any replica's clock skew or restart. */
const TICK_MEMORY_MS = 7 * 24 * 3_600_000;

/**
 * The scaled mode's {@link RunCoordinator} on Redis, shared by every hub and worker: each answer
 * is one atomic command or script, leases expire with Redis' key expiry, so a SIGKILLed worker's
 * runs and slots come free after their ttl.
 */
export class RedisRunCoordinator implements RunCoordinator {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'runtime-hub',
  ) {}

  async claimRun(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(CLAIM, 1, `${this.prefix}:run:${runId}`, owner, Math.ceil(ttlMs))) === 1;
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `${this.prefix}:run:${runId}`, owner);
  }

  async acquireSlot(workflow: string, runId: string, limit: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, `${this.prefix}:slots:${workflow}`, runId, limit, Math.ceil(ttlMs))) === 1;
  }

  async releaseSlot(workflow: string, runId: string): Promise<void> {
    await this.redis.zrem(`${this.prefix}:slots:${workflow}`, runId);
  }

  async claimTick(schedule: string, tickAt: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:tick:${schedule}:${tickAt}`, '1', 'PX', TICK_MEMORY_MS, 'NX')) === 'OK';
  }
}
