import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveSpan, Span } from '@runtime-hub/protocol';
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
    expect(client.received[2]).toMatchObject({ spanId: running.spanId, status: 'ok', inputPreview: JSON.stringify(running.input) });
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

  it('sends spans without payloads, and whole spans only to a subscription that asks for them', async () => {
    const service = 'payload-app';
    const summaries = await subscribed({ filter: { service } });
    const whole = await subscribed({ filter: { service }, payloads: true });
    const big = { prompt: 'x'.repeat(200_000), messages: [{ role: 'user', content: 'hi' }] };
    const failed = spanRecord({
      service,
      status: 'error',
      input: big,
      output: { answer: 'y'.repeat(10_000) },
      attributes: { 'http.route': '/a', 'workflow.node.id': 'not-a-workflow-span' },
      events: [{ name: 'retry', time: Date.now() }],
      error: { type: 'ValueError', message: 'bad value', stack: 'Traceback (most recent call last):\n  File "app.py", line 3, in f\nValueError: bad value' },
    });
    const node = spanRecord({ service, kind: 'node', attributes: { 'workflow.run.id': 'r1', 'workflow.node.id': 'n1', 'llm.note': 'z'.repeat(1000) } });
    expect((await postSpans(t.url, [failed, node])).status).toBe(200);
    await Promise.all([summaries.until(2), whole.until(2)]);

    const [summary, nodeSummary] = summaries.spans as LiveSpan[];
    expect(summary).toMatchObject({ spanId: failed.spanId, status: 'error', error: { type: 'ValueError', message: 'bad value' } });
    for (const field of ['input', 'output', 'attributes', 'events']) expect(summary).not.toHaveProperty(field);
    expect(summary!.error).not.toHaveProperty('stack');
    // A one-line preview of the input, cut after 120 characters without reading the rest.
    expect(summary!.inputPreview).toBe(`${JSON.stringify(big).slice(0, 120)}…`);
    // A workflow node keeps its workflow.* attributes (the studio's run view reads them), nothing else.
    expect(nodeSummary!.attributes).toEqual({ 'workflow.run.id': 'r1', 'workflow.node.id': 'n1' });

    const [full] = whole.spans as Span[];
    expect(full).toMatchObject({ spanId: failed.spanId, input: big, output: failed.output, attributes: failed.attributes, events: failed.events, error: failed.error });

    // A replay (history) is summarized the same way.
    const replay = await subscribed({ filter: { service } });
    expect(replay.spans.map((s) => s.spanId)).toEqual([failed.spanId, node.spanId]);
    expect(replay.spans[0]).not.toHaveProperty('input');
    for (const c of [summaries, whole, replay]) c.socket.close();
  });
});

/** A raw /live socket that subscribes with `payload` and collects every span it is sent. */
async function subscribed(payload: Record<string, unknown>): Promise<{ socket: Socket; spans: (Span | LiveSpan)[]; until(n: number): Promise<void> }> {
  const socket = io(`${t.url}/live`, { transports: ['websocket'], reconnection: false });
  const spans: (Span | LiveSpan)[] = [];
  socket.on('history', (batch: { spans: Span[] }) => spans.push(...batch.spans));
  socket.on('spans', (batch: { spans: Span[] }) => spans.push(...batch.spans));
  const reply = (await socket.timeout(30_000).emitWithAck('subscribe', payload)) as { ok?: boolean };
  expect(reply.ok).toBe(true);
  return {
    socket,
    spans,
    async until(n) {
      const deadline = Date.now() + 20_000;
      while (spans.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out with ${spans.length} of ${n} spans`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
