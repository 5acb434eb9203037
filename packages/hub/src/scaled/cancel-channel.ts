import type { Redis } from 'ioredis';
import { connectRedis, closeRedis, KEY_PREFIX } from './redis-connection.js';

/** Redis pub/sub channel on which hubs tell workers that a run was cancelled. */
export const CANCEL_CHANNEL = `${KEY_PREFIX}:cancel`;

/**
 * Hub side: after the cancel is committed, every worker hears of it; the one driving the run stops
 * it (its nodes' signals abort, the runs it called are cancelled). Pub/sub is at-most-once: a worker
 * that misses it still finds the run cancelled in the database whenever it takes the run up again.
 */
export async function publishCancel(redis: Redis, runId: string, reason: string): Promise<void> {
  await redis.publish(CANCEL_CHANNEL, JSON.stringify({ runId, reason }));
}

/** Worker side: calls `onCancel` for every cancel published; its own connection (a subscriber can do nothing else). */
export async function subscribeCancels(redisUrl: string, onCancel: (runId: string, reason: string) => void, onError: (error: Error) => void): Promise<{ close(): Promise<void> }> {
  const subscriber = connectRedis(redisUrl, 'cancel-sub', onError);
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      const { runId, reason } = JSON.parse(message) as { runId?: unknown; reason?: unknown };
      if (typeof runId === 'string') onCancel(runId, typeof reason === 'string' ? reason : 'cancelled by request');
    } catch {
      // Not ours: ignored.
    }
  });
  await subscriber.subscribe(CANCEL_CHANNEL);
  return { close: () => closeRedis(subscriber) };
}
