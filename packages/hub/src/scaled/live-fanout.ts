import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyBaseLogger } from 'fastify';
import type { Server } from 'socket.io';
import type { Presence } from '../presence/presence.js';
import { closeRedis, connectRedis, KEY_PREFIX } from './redis-connection.js';

/** The event one hub sends the others when its heartbeats changed who is online. */
const PRESENCE_CHANGED = 'runtime-hub:presence-changed';

export interface LiveFanout {
  close(): Promise<void>;
}

/**
 * Joins this hub's Socket.IO server to the other hubs' through the Redis adapter (pub/sub
 * variant, `@socket.io/redis-adapter`; docs/scaling.md says why not the streams one).
 *
 * Spans do not travel through it: every hub follows the database's change feed, which hands it
 * every hub's commits once and in seq order, and the live channel sends them to its own sockets
 * only (`nsp.local`). The global cursor, and so exactly-once across a reconnect to another hub,
 * comes from the database sequence. What the adapter carries is hub-to-hub: a heartbeat that
 * changed who is online on one hub makes every hub re-read presence at once, so the `apps` list is
 * the same everywhere, and room-wide operations (`fetchSockets`, `disconnectSockets`) see every hub.
 */
export function attachRedisFanout(io: Server, redisUrl: string, presence: Presence, log: FastifyBaseLogger): LiveFanout {
  const onError = (error: Error) => log.warn({ error: error.message }, 'live fan-out: redis error');
  const pub = connectRedis(redisUrl, 'live-pub', onError);
  const sub = connectRedis(redisUrl, 'live-sub', onError);
  io.adapter(createAdapter(pub, sub, { key: `${KEY_PREFIX}:socket.io`, publishOnSpecificResponseChannel: true }));
  io.on(PRESENCE_CHANGED, () => presence.refresh());
  presence.afterHeartbeat = () => {
    try {
      io.serverSideEmit(PRESENCE_CHANGED);
    } catch (error) {
      log.warn({ error: (error as Error).message }, 'live fan-out: could not tell the other hubs about a heartbeat');
    }
  };
  return {
    async close() {
      presence.afterHeartbeat = undefined;
      await closeRedis(pub, sub);
    },
  };
}
