import type { Span } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, spanRecord, startTestHub, type TestHub } from '../../testing/test-hub.js';
import { LogAttacher, PENDING_LIMITS } from './log-attacher.js';
import type { LogEntry } from './logs-to-entries.js';

const userMessage = (content: string): LogEntry => ({ time: Date.now(), name: 'gen_ai.user.message', body: { content }, attributes: {} });

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met within 2 s');
}

describe('LogAttacher on a real hub (real store and ingest path, a clock the test moves)', () => {
  let hub: TestHub;
  let now = 0;
  let attacher: LogAttacher;
  beforeAll(async () => {
    hub = await startTestHub();
    attacher = new LogAttacher(hub.hub.ctx, () => now);
  });
  afterAll(async () => {
    await hub.close();
  });
  const stored = (spanId: string) => hub.hub.ctx.store.getSpan(spanId) as Promise<Span>;

  it('holds records whose span has not arrived and merges them when it is committed', async () => {
    const traceId = hexId(32);
    const spanId = hexId(16);
    await attacher.attach(new Map([[spanId, { traceId, entries: [userMessage('early')] }]]));
    expect(attacher.waiting).toBe(1);
    await hub.hub.ctx.ingest([spanRecord({ traceId, spanId, kind: 'llm', input: undefined, output: undefined })]);
    await until(async () => (await stored(spanId))?.input !== undefined);
    expect((await stored(spanId)).input).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'early' }] }]);
    expect(attacher.waiting).toBe(0);
  });

  it('drops records whose span does not arrive within the time limit', async () => {
    const late = hexId(16);
    const traceId = hexId(32);
    now = 1_000;
    await attacher.attach(new Map([[late, { traceId, entries: [userMessage('too late')] }]]));
    now += PENDING_LIMITS.ttlMs + 1;
    // The next batch that has to wait sweeps the expired ones.
    await attacher.attach(new Map([[hexId(16), { traceId: hexId(32), entries: [userMessage('other')] }]]));
    expect(attacher.waiting).toBe(1);
    await hub.hub.ctx.ingest([spanRecord({ traceId, spanId: late, kind: 'llm', input: undefined, output: undefined })]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await stored(late)).input).toBeUndefined();
  });
});
