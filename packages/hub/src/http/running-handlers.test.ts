import { request } from 'node:http';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { trackRunningHandlers } from './running-handlers.js';

const get = (url: string) =>
  new Promise<string>((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', () => resolve('connection closed'));
    req.end();
  });

const state = (promise: Promise<unknown>) => Promise.race([promise.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 200))]);

describe('trackRunningHandlers', () => {
  it('waits for a handler whose connection was closed while the server closes, and only for it', async () => {
    const app = Fastify();
    const handlers = trackRunningHandlers(app);
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    app.get('/slow', async () => {
      started();
      await finished;
      return { ok: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    // A hijacked reply, as the MCP route writes it: never passes onSend.
    app.get('/hijacked', (_request, reply) => {
      reply.hijack();
      reply.raw.end('{}');
    });
    // A hijacked reply whose client goes away before it is written (an MCP client giving up).
    let abandoned = () => {};
    const gone = new Promise<void>((resolve) => (abandoned = resolve));
    app.get('/hijacked-abandoned', (_request, reply) => {
      reply.hijack();
      reply.raw.once('close', () => abandoned());
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    expect(await get(`${url}/fast`)).toBe('200');
    expect(await get(`${url}/hijacked`)).toBe('200');
    const giveUp = request(`${url}/hijacked-abandoned`);
    giveUp.on('error', () => undefined);
    giveUp.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    giveUp.destroy();
    await gone;
    // Nothing runs: nothing to wait for.
    expect(await state(handlers.settled(60_000))).toBe('settled');

    const slow = get(`${url}/slow`);
    await running;
    app.server.close();
    app.server.closeAllConnections();
    expect(await slow).toBe('connection closed');
    const settled = handlers.settled(60_000);
    expect(await state(settled)).toBe('pending');
    finish();
    expect(await state(settled)).toBe('settled');
    await app.close();
  });
});
