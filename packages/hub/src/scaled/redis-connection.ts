import { Redis } from 'ioredis';

/** Keys of every scaled-mode structure start with this (BullMQ queues, leases, slots, ticks). */
export const KEY_PREFIX = 'runtime-hub';

/**
 * A Redis connection for the scaled mode. BullMQ needs `maxRetriesPerRequest: null` (its blocking
 * commands wait for Redis to come back instead of failing the job); the other users are fine
 * with it too. The URL is never logged: it may carry a password.
 */
export function connectRedis(url: string, name: string, onError: (error: Error) => void = () => undefined): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, connectionName: `runtime-hub:${name}`, lazyConnect: false });
  // ioredis reconnects by itself; without a listener every failed attempt is printed as unhandled.
  client.on('error', onError);
  return client;
}

/** Closes connections without waiting for replies to commands that will never come. */
export async function closeRedis(...clients: Redis[]): Promise<void> {
  await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
}
