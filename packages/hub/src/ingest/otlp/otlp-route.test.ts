import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as HttpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Span } from '@runtime-hub/protocol';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { otlpPortUrl } from './otlp-port.js';
import { encodeTraceRequest } from './otlp-schema.js';

function recordAgentRun(service: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('agent-lib');
  const agent = tracer.startSpan('invoke_agent planner', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } });
  const ctx = trace.setSpan(ROOT_CONTEXT, agent);
  const chat = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 200,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'plan a trip' }] }]),
      },
    },
    ctx,
  );
  chat.end();
  const tool = tracer.startSpan('execute_tool search', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } }, ctx);
  tool.recordException(new Error('search backend down'));
  tool.setStatus({ code: SpanStatusCode.ERROR });
  tool.end();
  agent.end();
  return memory.getFinishedSpans();
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

async function traceOf(hub: TestHub, traceId: string): Promise<Span[]> {
  const reply = await fetch(`${hub.url}/api/v1/traces/${traceId}`);
  expect(reply.status).toBe(200);
  return ((await reply.json()) as { spans: Span[] }).spans;
}

function checkAgentTrace(spans: Span[], service: string) {
  expect(spans).toHaveLength(3);
  const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
  const agent = byName['invoke_agent planner']!;
  const chat = byName['chat gpt-4o-mini']!;
  const tool = byName['execute_tool search']!;
  expect(agent).toMatchObject({ kind: 'agent', service, parentSpanId: null });
  expect(chat).toMatchObject({ kind: 'llm', parentSpanId: agent.spanId, input: [{ role: 'user', parts: [{ type: 'text', content: 'plan a trip' }] }] });
  expect(chat.usage).toMatchObject({ model: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 200 });
  expect(tool).toMatchObject({ kind: 'tool', status: 'error', error: { type: 'Error', message: 'search backend down' } });
}

describe('OTLP/HTTP receiver with the official OpenTelemetry JS exporters', () => {
  let hub: TestHub;
  let otlpUrl: string;

  beforeAll(async () => {
    hub = await startTestHub({ otlpPort: 0 });
    otlpUrl = otlpPortUrl(hub.hub.app)!;
  });
  afterAll(async () => {
    await hub.close();
  });

  it('stores spans from @opentelemetry/exporter-trace-otlp-http (JSON) on the hub port', async () => {
    const spans = recordAgentRun('planner-json');
    const exporter = new HttpExporter({ url: `${hub.url}/v1/traces` });
    const result = await exportWith(exporter, spans);
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    checkAgentTrace(await traceOf(hub, spans[0]!.spanContext().traceId), 'planner-json');
    await exporter.shutdown();
  });

  it('stores spans from @opentelemetry/exporter-trace-otlp-proto (protobuf, gzip) on the OTLP port', async () => {
    expect(otlpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const spans = recordAgentRun('planner-proto');
    const exporter = new ProtoExporter({ url: `${otlpUrl}/v1/traces`, compression: 'gzip' as never });
    const result = await exportWith(exporter, spans);
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    checkAgentTrace(await traceOf(hub, spans[0]!.spanContext().traceId), 'planner-proto');
    await exporter.shutdown();
  });

  it('answers OTLP partialSuccess (JSON) and keeps the valid spans', async () => {
    const body = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(recordAgentRun('partial'))!).toString()) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const spans = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans[1]!.spanId = 'not-an-id';
    const reply = await fetch(`${otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(reply.status).toBe(200);
    const answer = (await reply.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(answer.partialSuccess.rejectedSpans).toBe('1');
    expect(answer.partialSuccess.errorMessage).toMatch(/^1 of 3 spans rejected; span 1: spanId: "not-an-id"/);
    expect(await traceOf(hub, spans[0]!.traceId as string)).toHaveLength(2);
  });

  it('answers partialSuccess in protobuf, readable by the official deserializer', async () => {
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'proto-partial' } }] },
          scopeSpans: [
            {
              spans: [
                { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'ok', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' },
                { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(4, 3), name: 'short id', startTimeUnixNano: '1700000000000000000' },
              ],
            },
          ],
        },
      ],
    };
    const reply = await fetch(`${hub.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      body: gzipSync(encodeTraceRequest(request)),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/x-protobuf');
    const answer = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await reply.arrayBuffer()));
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toContain('span 1: spanId: 4 bytes');
  });

  it('rejects what it cannot read with the status the OTLP spec asks for', async () => {
    const post = (headers: Record<string, string>, body: string | Uint8Array) => fetch(`${otlpUrl}/v1/traces`, { method: 'POST', headers, body });

    const badProto = await post({ 'content-type': 'application/x-protobuf' }, new Uint8Array([0x0a, 0xff, 0xff, 0xff]));
    expect(badProto.status).toBe(400);
    expect(badProto.headers.get('content-type')).toBe('application/x-protobuf');

    const badJson = await post({ 'content-type': 'application/json' }, '{"resourceSpans": [');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: 3, error: { code: 'INVALID_JSON' } });

    const notObject = await post({ 'content-type': 'application/json' }, '[1,2]');
    expect(notObject.status).toBe(400);

    const badGzip = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip');
    expect(badGzip.status).toBe(400);

    const wrongType = await post({ 'content-type': 'text/plain' }, 'hello');
    expect(wrongType.status).toBe(415);

    const otherPath = await fetch(`${otlpUrl}/api/v1/traces`);
    expect(otherPath.status).toBe(404);
    expect(await otherPath.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });

    const empty = await post({ 'content-type': 'application/json' }, '{}');
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({});
  });
});

describe('OTLP receiver with a token', () => {
  it('requires the bearer token, which exporters send as a header', async () => {
    const hub = await startTestHub({ token: 's3cret', otlpPort: 0 });
    try {
      const url = `${otlpPortUrl(hub.hub.app)!}/v1/traces`;
      const spans = recordAgentRun('secured');
      const denied = await exportWith(new ProtoExporter({ url }), spans);
      expect(denied.code).toBe(ExportResultCode.FAILED);
      const allowed = await exportWith(new ProtoExporter({ url, headers: { authorization: 'Bearer s3cret' } }), spans);
      expect(allowed.code).toBe(ExportResultCode.SUCCESS);
    } finally {
      await hub.close();
    }
  });
});
