import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import type { AgentRunSummary } from '../store/agent-runs.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

async function agents(query = ''): Promise<{ runs: AgentRunSummary[]; nextCursor: string | null }> {
  const res = await fetch(`${t.url}/api/v1/agents${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { runs: AgentRunSummary[]; nextCursor: string | null };
}

const llmAttributes = (model: string, input: number, output: number) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
});

describe('GET /api/v1/agents', () => {
  it('lists agent runs with models, turns, tools, tokens, errors and running state; plain traces are left out', async () => {
    const service = `agents-${hexId(16).slice(0, 6)}`;
    const run = hexId(32);
    const root = spanRecord({ traceId: run, service, kind: 'agent', name: 'invoke_agent planner', startTime: 1000, endTime: 2000 });
    const llm1 = spanRecord({ traceId: run, service, parentSpanId: root.spanId, kind: 'llm', name: 'chat gpt-4o', startTime: 1010, endTime: 1100, attributes: llmAttributes('gpt-4o', 100, 20) });
    const tool = spanRecord({ traceId: run, service, parentSpanId: root.spanId, kind: 'tool', name: 'search', startTime: 1100, endTime: 1200, status: 'error', error: { type: 'E', message: 'boom' } });
    const llm2 = spanRecord({ traceId: run, service, parentSpanId: root.spanId, kind: 'llm', name: 'chat gpt-4o-mini', startTime: 1200, endTime: 1300, attributes: llmAttributes('gpt-4o-mini', 50, 5) });
    const live = hexId(32);
    const liveRoot = spanRecord({ traceId: live, service, kind: 'internal', name: 'handler', startTime: 3000, endTime: null });
    const liveLlm = spanRecord({ traceId: live, service, parentSpanId: liveRoot.spanId, kind: 'llm', name: 'chat', startTime: 3001, endTime: null });
    const plain = spanRecord({ traceId: hexId(32), service, kind: 'http', name: 'GET /', startTime: 4000, endTime: 4001 });
    expect((await postSpans(t.url, [root, llm1, tool, llm2, liveRoot, liveLlm, plain])).status).toBe(200);

    const { runs } = await agents(`?service=${service}`);
    expect(runs.map((r) => r.traceId)).toEqual([live, run]);
    const [open, done] = runs as [AgentRunSummary, AgentRunSummary];
    expect(open.running).toBe(true);
    expect(done).toMatchObject({ running: false, llmCalls: 2, turns: 2, toolCalls: 1, errorCount: 1, spanCount: 4, durationMs: 1000 });
    expect(done.models.sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(done.usage).toMatchObject({ inputTokens: 150, outputTokens: 25 });

    expect((await agents(`?service=${service}&state=running`)).runs.map((r) => r.traceId)).toEqual([live]);
    expect((await agents(`?service=${service}&state=error`)).runs.map((r) => r.traceId)).toEqual([run]);
    expect((await agents(`?service=${service}&model=gpt-4o-mini`)).runs.map((r) => r.traceId)).toEqual([run]);
    expect((await agents(`?service=${service}&q=planner`)).runs.map((r) => r.traceId)).toEqual([run]);

    const first = await agents(`?service=${service}&limit=1`);
    expect(first.runs.map((r) => r.traceId)).toEqual([live]);
    const second = await agents(`?service=${service}&limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.runs.map((r) => r.traceId)).toEqual([run]);
    expect(second.nextCursor).toBeNull();
  });

  it('answers 400 with the bad parameter named', async () => {
    const res = await fetch(`${t.url}/api/v1/agents?state=sleeping&limit=0`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_QUERY');
    expect(body.error.message).toMatch(/state/);
  });
});
