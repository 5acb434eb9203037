import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '@runtime-hub/protocol';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import { roomOf } from './filter.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

type History = { spans: Span[]; cursor: number; done: boolean; capped?: { after: number; upTo: number; limit: number } };

/**
 * A client that behaves as the dashboard does: after it sends `subscribe` it ignores live batches
 * until the history it asked for is done (those changes come in the replay), and it remembers the
 * last cursor.
 */
class Client {
  readonly socket: Socket;
  readonly received: Span[] = [];
  readonly histories: History[] = [];
  cursor = 0;
  awaiting = true;

  constructor() {
    this.socket = io(`${t.url}/live`, { transports: ['websocket'], reconnection: false });
    this.socket.on('history', (batch: History) => {
      this.histories.push(batch);
      this.received.push(...batch.spans);
      this.cursor = batch.cursor;
      if (batch.done) this.awaiting = false;
    });
    this.socket.on('spans', (batch: { spans: Span[]; cursor: number }) => {
      if (this.awaiting) return;
      this.received.push(...batch.spans);
      this.cursor = batch.cursor;
    });
  }

  subscribe(payload: unknown): Promise<Record<string, unknown>> {
    this.awaiting = true;
    return this.socket.timeout(30_000).emitWithAck('subscribe', payload) as Promise<Record<string, unknown>>;
  }

  async until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; received ${this.received.length} spans`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The filter rooms the hub has this socket in. */
  rooms(): string[] {
    const server = t.hub.ctx.live.namespace.sockets.get(this.socket.id!);
    return [...(server?.rooms ?? [])].filter((room) => room.startsWith('f:'));
  }
}

describe('live subscriptions: one per socket, the last one wins', () => {
  it('delivers every span exactly once, and only its filter, when subscribes overlap during a burst', async () => {
    const service = 'overlap-app';
    const client = new Client();
    await client.subscribe({ filter: { service } });
    const sent: string[] = [];
    const acks: Promise<Record<string, unknown>>[] = [];
    for (let batch = 0; batch < 40; batch++) {
      const spans = Array.from({ length: 50 }, () => spanRecord({ service }));
      sent.push(...spans.map((s) => s.spanId as string));
      // Spans outside the filter flow too: none of them may reach the client.
      expect((await postSpans(t.url, [...spans, spanRecord({ service: 'overlap-other' })])).status).toBe(200);
      if (batch === 10 || batch === 25) {
        // Two subscribes in flight at once: everything, then the filter again from the cursor.
        acks.push(client.subscribe({ filter: {} }), client.subscribe({ filter: { service }, after: client.cursor }));
        await acks.at(-1);
      }
    }
    await client.until(() => !client.awaiting && new Set(client.received.map((s) => s.spanId)).size >= sent.length);
    await new Promise((r) => setTimeout(r, 100)); // a duplicate would arrive in this time
    const ids = client.received.map((s) => s.spanId);
    expect(client.received.every((s) => s.service === service)).toBe(true);
    expect(ids).toHaveLength(sent.length);
    expect(new Set(ids)).toEqual(new Set(sent));
    expect(client.rooms()).toHaveLength(1);
    // The first of each pair was replaced before it ran; the second is the subscription.
    expect(await Promise.all(acks)).toEqual([{ superseded: true }, expect.objectContaining({ ok: true }), { superseded: true }, expect.objectContaining({ ok: true })]);
    client.socket.close();
  });

  it('keeps one room and one delivery per span after 10,000 subscribes from one socket', async () => {
    const client = new Client();
    await new Promise<void>((resolve) => client.socket.on('connect', () => resolve()));
    const acks: Promise<Record<string, unknown>>[] = [];
    for (let i = 0; i < 10_000; i++) acks.push(client.subscribe({ filter: { service: i === 9_999 ? 'many-subs' : `many-subs-${i % 100}` } }));
    const replies = await Promise.all(acks);
    expect(replies[9_999]).toMatchObject({ ok: true });
    expect(client.rooms()).toEqual([roomOf({ service: 'many-subs' })]);

    const mine = spanRecord({ service: 'many-subs' });
    await postSpans(t.url, [mine, spanRecord({ service: 'many-subs-7' }), spanRecord({ service: 'many-subs-42' })]);
    await client.until(() => client.received.some((s) => s.spanId === mine.spanId));
    await new Promise((r) => setTimeout(r, 100));
    expect(client.received.map((s) => s.spanId)).toEqual([mine.spanId]);
    // Requests queued behind a running replay were replaced, not run: only a handful ever ran.
    expect(replies.every((r) => r.superseded === true || r.ok === true)).toBe(true);
    expect(replies.filter((r) => r.ok === true).length).toBeLessThan(100);
    client.socket.close();
  });

  it('caps the history one subscription replays and says what it skipped', async () => {
    const service = 'capped-app';
    const spans = Array.from({ length: 12_000 }, (_, i) => spanRecord({ service, name: `op-${i}`, input: undefined, output: undefined }));
    for (let i = 0; i < spans.length; i += 2_000) expect((await postSpans(t.url, spans.slice(i, i + 2_000))).status).toBe(200);
    const client = new Client();
    expect(await client.subscribe({ filter: { service }, after: 0 })).toMatchObject({ ok: true });
    await client.until(() => !client.awaiting);
    const limit = t.hub.ctx.live.options.maxReplay;
    expect(client.received).toHaveLength(limit);
    // The newest are the ones sent, in change order.
    expect(client.received[0]!.name).toBe(`op-${12_000 - limit}`);
    expect(client.received.at(-1)!.name).toBe('op-11999');
    const done = client.histories.at(-1)!;
    expect(done.capped).toMatchObject({ after: 0, limit });
    expect(done.capped!.upTo).toBe(client.received[0]!.seq - 1);
    // Pages are bounded.
    expect(Math.max(...client.histories.map((h) => h.spans.length))).toBeLessThanOrEqual(t.hub.ctx.live.options.replayPageSize);
    client.socket.close();
  });
});
