import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

async function get<T>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
const spanIds = async (url: string, query: string) =>
  (await get<{ spans: { spanId: string }[] }>(url, `/api/v1/spans?${query}`)).spans.map((s) => s.spanId).sort();

describe('full-text search (q) over span inputs, outputs and errors', () => {
  it('finds spans by a word of their input, output or error message, and by a word prefix written with a star', async () => {
    const service = `fts-${hexId(16).slice(0, 6)}`;
    const byInput = spanRecord({ service, name: 'call_a', input: { prompt: 'Tell me about pelicans' }, output: 'ok' });
    const byOutput = spanRecord({ service, name: 'call_b', input: 'x', output: { text: 'Pelicans eat fish' } });
    const byError = spanRecord({ service, name: 'call_c', status: 'error', error: { type: 'ValueError', message: 'no zebrafinch found' } });
    const neither = spanRecord({ service, name: 'call_d', input: 'apples', output: 'pears' });
    expect((await postSpans(t.url, [byInput, byOutput, byError, neither])).status).toBe(200);

    expect(await spanIds(t.url, `service=${service}&q=pelicans`)).toEqual([byInput.spanId, byOutput.spanId].sort());
    expect(await spanIds(t.url, `service=${service}&q=PELIC*`)).toEqual([byInput.spanId, byOutput.spanId].sort());
    expect(await spanIds(t.url, `service=${service}&q=zebrafinch`)).toEqual([byError.spanId]);
    expect(await spanIds(t.url, `service=${service}&q=pelicans%20fish`)).toEqual([byOutput.spanId]);
    // Names are indexed too: a word of the name finds the span as the name search did before.
    expect(await spanIds(t.url, `service=${service}&q=call_d`)).toEqual([neither.spanId]);
  });

  it('keeps the index in step with upserts: the end record adds its output, a changed input replaces the old words', async () => {
    const service = `fts-${hexId(16).slice(0, 6)}`;
    const start = spanRecord({ service, input: 'original aardvark question', output: null, endTime: null });
    expect((await postSpans(t.url, [start])).status).toBe(200);
    expect(await spanIds(t.url, `service=${service}&q=aardvark`)).toEqual([start.spanId]);
    expect(await spanIds(t.url, `service=${service}&q=wombat`)).toEqual([]);

    const end = { ...start, input: 'rewritten capybara question', output: 'the wombat answer', endTime: (start.startTime as number) + 10 };
    expect((await postSpans(t.url, [end])).status).toBe(200);
    expect(await spanIds(t.url, `service=${service}&q=wombat`)).toEqual([start.spanId]);
    expect(await spanIds(t.url, `service=${service}&q=capybara`)).toEqual([start.spanId]);
    expect(await spanIds(t.url, `service=${service}&q=aardvark`)).toEqual([]);
  });

  it('applies q to traces, sessions, error groups and agent runs through any of their spans', async () => {
    const service = `fts-${hexId(16).slice(0, 6)}`;
    const traceId = hexId(32);
    const sessionId = `sess-${hexId(16)}`;
    const root = spanRecord({ service, traceId, sessionId, kind: 'agent', name: 'invoke_agent helper', input: 'hi' });
    const llm = spanRecord({ service, traceId, sessionId, parentSpanId: root.spanId, kind: 'llm', name: 'chat', input: { messages: [{ role: 'user', content: 'describe the narwhal' }] } });
    const other = spanRecord({ service, traceId: hexId(32), kind: 'agent', name: 'invoke_agent other', input: 'nothing here' });
    expect((await postSpans(t.url, [root, llm, other])).status).toBe(200);

    const traces = await get<{ traces: { traceId: string }[] }>(t.url, `/api/v1/traces?service=${service}&q=narwhal`);
    expect(traces.traces.map((x) => x.traceId)).toEqual([traceId]);
    const sessions = await get<{ sessions: { sessionId: string }[] }>(t.url, `/api/v1/sessions?service=${service}&q=narwhal`);
    expect(sessions.sessions.map((x) => x.sessionId)).toEqual([sessionId]);
    const runs = await get<{ runs: { traceId: string }[] }>(t.url, `/api/v1/agents?service=${service}&q=narwhal`);
    expect(runs.runs.map((x) => x.traceId)).toEqual([traceId]);
    const failed = spanRecord({ service, traceId, parentSpanId: root.spanId, status: 'error', error: { type: 'ToolError', message: 'the narwhal tool timed out' } });
    expect((await postSpans(t.url, [failed])).status).toBe(200);
    const groups = await get<{ groups: { lastSpanId: string }[] }>(t.url, `/api/v1/errors?service=${service}&q=narwhal`);
    expect(groups.groups.map((g) => g.lastSpanId)).toEqual([failed.spanId]);
    expect((await get<{ groups: unknown[] }>(t.url, `/api/v1/errors?service=${service}&q=wombat`)).groups).toEqual([]);
    // The words of the root's name find the trace.
    expect((await get<{ traces: unknown[] }>(t.url, `/api/v1/traces?service=${service}&q=invoke_agent%20other`)).traces).toHaveLength(1);
  });

  it('treats FTS syntax in q as plain words: quotes, operators and column filters neither fail nor inject', async () => {
    const service = `fts-${hexId(16).slice(0, 6)}`;
    const span = spanRecord({ service, input: 'NEAR the OR gate', output: 'x' });
    expect((await postSpans(t.url, [span])).status).toBe(200);
    for (const q of ['"', 'NEAR(', 'input:gate', '*', '-gate', 'gate"  OR "x', '^', '(((', '""""']) {
      const res = await fetch(`${t.url}/api/v1/spans?service=${service}&q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    expect(await spanIds(t.url, `service=${service}&q=${encodeURIComponent('NEAR(gate')}`)).toEqual([span.spanId]);
    // A column filter would match the input column; here "input" is a word the span does not hold.
    expect(await spanIds(t.url, `service=${service}&q=${encodeURIComponent('input:gate')}`)).toEqual([]);
    expect(await spanIds(t.url, `service=${service}&q=${encodeURIComponent('NOT gate')}`)).toEqual([]); // "NOT" is a word here
  });
});

describe('a word in thousands of spans', () => {
  it('pages its matches newest first with the cursor, through filters, like any list', async () => {
    const service = `fts-${hexId(16).slice(0, 6)}`;
    const now = Date.now();
    // 2,400 spans with the word (past the few-matches plan), every third in another service, and
    // 600 without it; start times interleaved so the newest-first walk meets both kinds.
    const spans = Array.from({ length: 3_000 }, (_, i) =>
      spanRecord({ service: i % 3 === 0 ? `${service}-b` : service, startTime: now - i * 7, endTime: now - i * 7 + 1, input: i % 5 === 4 ? 'plain text' : `the common ibis ${i}` }),
    );
    expect((await postSpans(t.url, spans)).status).toBe(200);
    const expected = spans
      .filter((s, i) => s.service === service && i % 5 !== 4)
      .sort((a, b) => (b.startTime as number) - (a.startTime as number))
      .map((s) => s.spanId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { spans: { spanId: string }[]; nextCursor: string | null } = await get(
        t.url,
        `/api/v1/spans?service=${service}&q=ibis&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.spans.map((s) => s.spanId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
  });
});

describe('the index across retention and restarts', () => {
  it('drops pruned spans from the index and survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rh-fts-'));
    try {
      let hub = await startTestHub({ dataDir });
      const old = spanRecord({ input: 'ancient quokka', startTime: 1_000, endTime: 1_001 });
      const recent = spanRecord({ input: 'recent quokka' });
      expect((await postSpans(hub.url, [old, recent])).status).toBe(200);
      expect(await spanIds(hub.url, 'q=quokka')).toEqual([old.spanId, recent.spanId].sort());
      expect(await hub.hub.ctx.store.pruneOlderThan(2_000)).toBe(1);
      expect(await spanIds(hub.url, 'q=quokka')).toEqual([recent.spanId]);
      expect(await spanIds(hub.url, 'q=ancient')).toEqual([]);
      await hub.close();

      hub = await startTestHub({ dataDir });
      expect(await spanIds(hub.url, 'q=quokka')).toEqual([recent.spanId]);
      await hub.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
