import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisTestServer } from './redis-server.js';

describe('startRedisServer', () => {
  const servers: RedisTestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('keeps what was written before a SIGKILL when the append-only file is on', async () => {
    const server = await startRedisServer({ appendOnly: true });
    servers.push(server);
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    await client.set('acknowledged', 'yes');
    client.disconnect();
    await server.restart();
    const again = new Redis(server.url);
    expect(await again.get('acknowledged')).toBe('yes');
    again.disconnect();
  }, 60_000);

  it('gives two servers two ports and two folders', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    servers.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect(a.dir).not.toBe(b.dir);
    const client = new Redis(b.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  }, 60_000);
});
