import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { postSpans, spanRecord, startTestHub } from '../testing/test-hub.js';

const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
afterEach(() => {
  process.off('unhandledRejection', record);
  unhandled.length = 0;
});

describe('hub shutdown', () => {
  it('closes while reads are in flight without an unhandled rejection', async () => {
    process.on('unhandledRejection', record);
    const test = await startTestHub();
    // Spans of a new service make presence look up the services on a reader thread (fire and
    // forget); the spans query is a read a client is waiting for.
    expect((await postSpans(test.url, [spanRecord({ service: 'closing-app' })])).status).toBe(200);
    const query = fetch(`${test.url}/api/v1/spans?service=closing-app`).then(
      (res) => res.status,
      () => 'connection closed',
    );
    await test.close();
    await query;
    // Rejections are reported after the microtask queue drains; give them a turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled.map(String)).toEqual([]);
  });

  it('closes while a client keeps its keep-alive connection busy', async () => {
    const test = await startTestHub();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = JSON.stringify({ spans: [spanRecord({ service: 'busy-client' })] });
    let answered = 0;
    let stopped: string | undefined;
    // One connection that always has a request in flight: each body arrives in two parts 100 ms
    // apart, and the next request starts as soon as the last answer is read.
    const hammer = new Promise<void>((resolve) => {
      const next = () => {
        const req = request(
          `${test.url}/api/v1/spans`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            res.on('end', () => {
              answered++;
              next();
            });
          },
        );
        req.on('error', (error) => {
          stopped = error.message;
          resolve();
        });
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 100);
      };
      next();
    });
    while (answered < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await test.close();
    await hammer;
    agent.destroy();
    expect(stopped).toBeDefined();
  });
});
