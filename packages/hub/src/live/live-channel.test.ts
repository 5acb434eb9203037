import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTestClient } from '../testing/live-client.js';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('live channel /live', () => {
  it('sends matching recent history, then new and updated spans', async () => {
    const before = spanRecord({ service: 'live-a' });
    const other = spanRecord({ service: 'live-b' });
    await postSpans(t.url, [before, other]);
    const client = new LiveTestClient(t.url, { service: 'live-a' });
    await client.until(() => client.historyDone);
    expect(client.received.map((s) => s.spanId)).toEqual([before.spanId]);

    const running = spanRecord({ service: 'live-a', endTime: undefined, status: 'unset', output: undefined });
    await postSpans(t.url, [running, spanRecord({ service: 'live-b' })]);
    await client.until(() => client.received.length === 2);
    expect(client.received[1]).toMatchObject({ spanId: running.spanId, endTime: null, status: 'unset' });

    await postSpans(t.url, [{ ...running, endTime: (running.startTime as number) + 100, status: 'ok', output: 'done' }]);
    await client.until(() => client.received.length === 3);
    expect(client.received[2]).toMatchObject({ spanId: running.spanId, status: 'ok', output: 'done', input: running.input });
    expect(client.received.every((s) => s.service === 'live-a')).toBe(true);
    client.close();
  });

  it('answers an invalid subscription with a clear error and keeps the connection', async () => {
    const client = new LiveTestClient(t.url);
    await client.until(() => client.historyDone);
    const reply = await client.socket.timeout(5000).emitWithAck('subscribe', { filter: { kind: 'banana' } });
    expect(reply).toMatchObject({ error: { code: 'INVALID_BODY', message: expect.stringContaining('kind') } });
    expect(client.socket.connected).toBe(true);
    client.close();
  });

  it('delivers every span exactly once across a disconnect during a burst', async () => {
    const service = 'burst-app';
    const client = new LiveTestClient(t.url, { service });
    await client.until(() => client.historyDone);
    const sent: string[] = [];
    const burst = (async () => {
      for (let batch = 0; batch < 40; batch++) {
        const spans = Array.from({ length: 50 }, () => spanRecord({ service }));
        sent.push(...spans.map((s) => s.spanId as string));
        const res = await postSpans(t.url, spans);
        expect(res.status).toBe(200);
        if (batch === 10 || batch === 25) {
          // Drop the transport without telling the server: the client must catch up on reconnect.
          client.socket.io.engine.close();
        }
      }
    })();
    await burst;
    await client.until(() => new Set(client.received.map((s) => s.spanId)).size >= sent.length, 20_000);
    const ids = client.received.map((s) => s.spanId);
    expect(ids).toHaveLength(sent.length);
    expect(new Set(ids)).toEqual(new Set(sent));
    client.close();
  });
});
