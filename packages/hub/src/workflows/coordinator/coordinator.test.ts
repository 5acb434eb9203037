import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisTestServer } from '../../testing/redis-server.js';
import { runCoordinatorConformance } from './coordinator-cases.js';
import { EmbeddedRunCoordinator } from './embedded-coordinator.js';
import { RedisRunCoordinator } from './redis-coordinator.js';

let server: RedisTestServer;
let prefixes = 0;
beforeAll(async () => {
  server = await startRedisServer();
}, 60_000);
afterAll(() => server?.close());

runCoordinatorConformance('embedded', () => Promise.resolve({ coordinator: new EmbeddedRunCoordinator() }));

runCoordinatorConformance('redis', () => {
  const redis = new Redis(server.url);
  // Every case on its own key prefix: one server, no state shared between cases.
  return Promise.resolve({ coordinator: new RedisRunCoordinator(redis, `case${++prefixes}`), cleanup: () => void redis.disconnect() });
});
