import { ROOT_CONTEXT, trace, type Attributes as OtelAttributes } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Span } from '@runtime-hub/protocol';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';

/** Span attributes as each instrumentation writes them; fixtures/README.md says where from. */
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const vercel = fixture('vercel-ai-sdk.json') as Record<string, FixtureSpan[]>;
const openInference = fixture('openinference.json') as Record<string, FixtureSpan>;

interface FixtureSpan {
  name: string;
  parent?: string;
  attributes: OtelAttributes;
}

/** Records the fixture spans with the real OpenTelemetry SDK and posts them as its JSON exporter does. */
async function send(hub: TestHub, spans: FixtureSpan[]): Promise<Record<string, Span>> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'dialects' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('ai');
  const started = new Map<string, ReturnType<typeof tracer.startSpan>>();
  for (const s of spans) {
    const parent = s.parent === undefined ? undefined : started.get(s.parent);
    started.set(s.name, tracer.startSpan(s.name, { attributes: s.attributes }, parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT));
  }
  for (const span of [...started.values()].reverse()) span.end();
  const finished = memory.getFinishedSpans();
  const reply = await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JsonTraceSerializer.serializeRequest(finished)!),
  });
  expect(reply.status).toBe(200);
  expect(await reply.json()).toEqual({});
  const traceId = finished[0]!.spanContext().traceId;
  const stored = ((await (await fetch(`${hub.url}/api/v1/traces/${traceId}`)).json()) as { spans: Span[] }).spans;
  return Object.fromEntries(stored.map((s) => [s.name, s]));
}

describe('GenAI dialects read in full over OTLP', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.close();
  });

  it('Vercel AI SDK: prompt and response become messages, ai.toolCall is a tool span', async () => {
    const spans = await send(hub, vercel.generateTextWithTool!);
    const call = spans['ai.generateText.doGenerate']!;
    expect(call.kind).toBe('llm');
    expect(call.input).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'test-input' }] }]);
    expect(call.output).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-1', name: 'tool1', arguments: { value: 'value' } }], finish_reason: 'stop' },
    ]);
    expect(call.attributes!['ai.prompt.messages']).toBeUndefined();
    expect(call.attributes!['ai.response.toolCalls']).toBeUndefined();
    expect(call.usage).toMatchObject({ model: 'mock-model-id', inputTokens: 3, outputTokens: 10 });

    const outer = spans['ai.generateText']!;
    expect(outer.kind).toBe('internal');
    expect(outer.input).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'test-input' }] }]);
    // The outer span repeats its steps' totals: counting them again would double the trace's tokens.
    expect(outer.usage?.inputTokens).toBeUndefined();

    const tool = spans['ai.toolCall']!;
    expect(tool).toMatchObject({ kind: 'tool', input: { value: 'value' }, output: 'result1' });
    expect(tool.attributes).toMatchObject({ 'ai.toolCall.name': 'tool1', 'ai.toolCall.id': 'call-1' });
  });

  it('Vercel AI SDK: embeddings are priced from ai.usage.tokens on the provider call only', async () => {
    const spans = await send(hub, vercel.embed!);
    const call = spans['ai.embed.doEmbed']!;
    expect(call).toMatchObject({ kind: 'llm', input: ['sunny day at the beach'] });
    expect(call.usage).toEqual({ model: 'text-embedding-3-small', inputTokens: 10, costUsd: 2e-7 });
    expect(spans['ai.embed']!.usage?.inputTokens).toBeUndefined();
  });

  it('Vercel AI SDK: cache reads and writes are priced at their own rates', async () => {
    const spans = await send(hub, vercel.cachedStreamV6!);
    const call = spans['ai.streamText.doStream']!;
    expect(call.input).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Summarise the file' }] },
    ]);
    expect(call.output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'It is a config file.' }], finish_reason: 'stop' }]);
    // claude-sonnet-4-5: input 3, cache read 0.30, cache write 3.75, output 15 USD per million.
    const expected = (1000 * 3 + 10_000 * 0.3 + 1000 * 3.75 + 200 * 15) / 1e6;
    expect(call.usage).toMatchObject({ model: 'claude-sonnet-4-5-20250929', inputTokens: 12_000, outputTokens: 200 });
    expect(call.usage!.costUsd).toBeCloseTo(expected, 10);
  });

  it('OpenInference: nested tool calls and content parts become structured messages', async () => {
    const spans = await send(hub, [openInference.llmWithToolCallsAndImage!, { ...openInference.toolResultMessage!, name: 'tool result turn', parent: 'ChatCompletion' }]);
    const llm = spans['ChatCompletion']!;
    expect(llm.kind).toBe('llm');
    expect(llm.input).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are helpful.' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: "What's in this image?" },
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'data:image/png;base64,iVBORw0KGgo' },
        ],
      },
    ]);
    expect(llm.output).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_abc123', name: 'get_weather', arguments: { location: 'San Francisco, CA' } },
          { type: 'tool_call', id: 'call_def456', name: 'get_time', arguments: { timezone: 'PST' } },
        ],
      },
    ]);
    expect(Object.keys(llm.attributes!).filter((k) => k.startsWith('llm.input_messages') || k.startsWith('llm.output_messages'))).toEqual([]);
    expect(llm.usage).toEqual({ model: 'gpt-4o-2024-08-06', inputTokens: 480, outputTokens: 76, costUsd: (480 * 2.5 + 76 * 10) / 1e6 });

    expect(spans['tool result turn']!.input).toEqual([{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_abc123', response: { temp: 18 } }] }]);
  });

  it('OpenInference: an embedding span names its model in embedding.model_name and is priced', async () => {
    const spans = await send(hub, [openInference.embedding!]);
    expect(spans['CreateEmbeddings']).toMatchObject({ kind: 'llm', input: 'hello' });
    expect(spans['CreateEmbeddings']!.usage).toEqual({ model: 'text-embedding-3-small', inputTokens: 5000, costUsd: (5000 * 0.02) / 1e6 });
  });
});

describe('errors sent over OTLP carry only stack text', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.close();
  });

  it('are grouped by the frames parsed from it, so two call sites stay two groups', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'stacks' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('t');
    // Python tracebacks as opentelemetry-sdk records them (exception.stacktrace), from two call sites.
    const traceback = (fn: string, line: number) =>
      `Traceback (most recent call last):\n  File "/app/main.py", line 3, in main\n    ${fn}()\n  File "/app/${fn}.py", line ${line}, in ${fn}\n    raise TimeoutError("upstream timed out")\nTimeoutError: upstream timed out\n`;
    for (const [fn, line] of [['checkout', 12], ['checkout', 12], ['refund', 40]] as const) {
      const span = tracer.startSpan(`${fn}`);
      span.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'upstream timed out', 'exception.stacktrace': traceback(fn, line) });
      span.setStatus({ code: 2 });
      span.end();
    }
    const reply = await fetch(`${hub.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JsonTraceSerializer.serializeRequest(memory.getFinishedSpans())!),
    });
    expect(reply.status).toBe(200);
    const { groups } = (await (await fetch(`${hub.url}/api/v1/errors?service=stacks`)).json()) as { groups: { type: string; count: number; topFrame: string | null }[] };
    // Same type and message: without frames these three errors would be one group.
    expect(groups.map((g) => [g.type, g.count, g.topFrame]).sort()).toEqual([
      ['TimeoutError', 1, 'refund (/app/refund.py:40)'],
      ['TimeoutError', 2, 'checkout (/app/checkout.py:12)'],
    ]);
  });
});
