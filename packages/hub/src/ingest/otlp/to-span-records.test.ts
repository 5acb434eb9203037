import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { validateSpanRecords } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest, encodeTraceRequest } from './otlp-schema.js';
import type { OtlpRequest } from './otlp-types.js';
import { otlpToSpanRecords } from './to-span-records.js';

/** Records spans with the real OpenTelemetry SDK and returns them as its exporters see them. */
function recordSpans(body: (tracer: Tracer) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3', 'deployment.environment.name': 'dev' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  body(provider.getTracer('shop-instrumentation', '0.9.0'));
  return exporter.getFinishedSpans();
}

/** The exact bytes the official OTLP/HTTP JSON and protobuf exporters send, read back. */
function viaJson(spans: ReadableSpan[]): OtlpRequest {
  return JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString('utf8')) as OtlpRequest;
}
function viaProtobuf(spans: ReadableSpan[]): OtlpRequest {
  return decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(spans)!) as OtlpRequest;
}

function shopSpans(): ReadableSpan[] {
  return recordSpans((tracer) => {
    const root = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/cart' } });
    const child = tracer.startSpan('price', {}, trace.setSpan(ROOT_CONTEXT, root));
    child.setAttributes({ 'cart.items': 3, 'cart.total': 12.5, 'cart.express': true, 'cart.skus': ['a', 'b'], 'big.count': 2 ** 40 });
    child.addEvent('priced', { currency: 'EUR' });
    child.recordException(new TypeError('no price for sku b'));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'pricing failed' });
    child.end();
    root.setStatus({ code: SpanStatusCode.OK });
    root.end();
  });
}

describe('otlpToSpanRecords with the official exporters payloads', () => {
  it.each([
    ['OTLP/JSON', viaJson],
    ['OTLP/protobuf', viaProtobuf],
  ])('maps a real SDK trace sent as %s', (_label, encode) => {
    const spans = shopSpans();
    const { records, rejected, total } = otlpToSpanRecords(encode(spans));
    expect(rejected).toEqual([]);
    expect(total).toBe(2);
    const child = records.find((r) => r.name === 'price')!;
    const root = records.find((r) => r.name === 'GET /cart')!;
    const sdkChild = spans.find((s) => s.name === 'price')!;

    expect(root).toMatchObject({ service: 'checkout', kind: 'http', status: 'ok', parentSpanId: null });
    expect(root.attributes).toMatchObject({ 'otel.span_kind': 'server', 'http.route': '/cart', 'otel.scope.name': 'shop-instrumentation' });
    expect(child).toMatchObject({
      traceId: sdkChild.spanContext().traceId,
      spanId: sdkChild.spanContext().spanId,
      parentSpanId: root.spanId,
      service: 'checkout',
      kind: 'internal',
      status: 'error',
      error: { type: 'TypeError', message: 'no price for sku b' },
    });
    expect(child.error!.stack).toContain('TypeError: no price for sku b');
    expect(child.attributes).toMatchObject({
      'cart.items': 3,
      'cart.total': 12.5,
      'cart.express': true,
      'cart.skus': ['a', 'b'],
      'big.count': 2 ** 40,
      'service.version': '1.2.3',
      'deployment.environment.name': 'dev',
      'otel.scope.version': '0.9.0',
    });
    // Times: epoch ms with the sub-millisecond part of the SDK's hrtime.
    const [seconds, nanos] = sdkChild.startTime;
    expect(child.startTime).toBeCloseTo(seconds * 1000 + nanos / 1e6, 3);
    expect(child.endTime).toBeGreaterThanOrEqual(child.startTime);
    expect(child.events!.map((e) => e.name)).toEqual(['priced', 'exception']);
    expect(child.events![0]!.attributes).toEqual({ currency: 'EUR' });
    expect(validateSpanRecords(records).rejected).toEqual([]);
  });

  it('gives the same records for the JSON and the protobuf encoding', () => {
    const spans = shopSpans();
    expect(otlpToSpanRecords(viaProtobuf(spans))).toEqual(otlpToSpanRecords(viaJson(spans)));
  });
});

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const NOW_NS = '1700000000123456789';

function request(span: Record<string, unknown>, resource: Record<string, unknown> = { 'service.name': 'agent' }): OtlpRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: Object.entries(resource).map(([key, v]) => ({ key, value: { stringValue: v } })) },
        scopeSpans: [{ scope: { name: 's' }, spans: [{ traceId: TRACE, spanId: SPAN, name: 'op', startTimeUnixNano: NOW_NS, endTimeUnixNano: '1700000001123456789', ...span }] }],
      },
    ],
  } as OtlpRequest;
}

function attrs(values: Record<string, unknown>) {
  return Object.entries(values).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));
}

function one(span: Record<string, unknown>) {
  const { records, rejected } = otlpToSpanRecords(request(span));
  expect(rejected).toEqual([]);
  return records[0]!;
}

describe('OTLP encodings', () => {
  it('accepts base64 ids, int64 as numbers and enum names', () => {
    const record = one({
      traceId: Buffer.from(TRACE, 'hex').toString('base64'),
      spanId: Buffer.from(SPAN, 'hex').toString('base64'),
      parentSpanId: '',
      startTimeUnixNano: Number('1700000000123456789'), // a JSON number, already rounded by the sender
      endTimeUnixNano: Number('1700000000223456789'),
      kind: 'SPAN_KIND_CLIENT',
      status: { code: 'STATUS_CODE_ERROR', message: 'upstream 503' },
      attributes: [{ key: 'n', value: { intValue: 42 } }, { key: 'url.full', value: { stringValue: 'http://x' } }],
    });
    expect(record).toMatchObject({ traceId: TRACE, spanId: SPAN, parentSpanId: null, kind: 'http', status: 'error', error: { type: 'Error', message: 'upstream 503' } });
    expect(record.startTime).toBeCloseTo(1700000000123.457, 2);
    expect(record.attributes).toMatchObject({ n: 42, 'otel.span_kind': 'client' });
  });

  it('keeps nanosecond strings exact to the microsecond', () => {
    expect(one({}).startTime).toBe(1700000000123.456);
  });

  it('keeps large int64 values as strings and structured values as JSON text', () => {
    const record = one({
      attributes: [
        { key: 'big', value: { intValue: '9007199254740993' } },
        { key: 'map', value: { kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }] } } },
        { key: 'nested', value: { arrayValue: { values: [{ arrayValue: { values: [{ boolValue: true }] } }] } } },
        { key: 'bytes', value: { bytesValue: 'AQI=' } },
        { key: 'empty', value: {} },
        { key: 'nan', value: { doubleValue: 'NaN' } },
      ],
    });
    expect(record.attributes).toMatchObject({ big: '9007199254740993', map: '{"a":1}', nested: '[[true]]', bytes: 'AQI=', empty: null, nan: 'NaN' });
  });

  it('treats a missing end time as a running span and an unknown name as "unknown"', () => {
    const record = one({ endTimeUnixNano: '0', name: '' });
    expect(record.endTime).toBeNull();
    expect(record.name).toBe('unknown');
  });

  it('rejects spans without valid ids or start time, with their index and why, and keeps the others', () => {
    const body = request({});
    const spans = body.resourceSpans![0]!.scopeSpans![0]!.spans!;
    spans.push({ ...spans[0]!, spanId: 'xyz' }, { ...spans[0]!, traceId: '00000000000000000000000000000000' }, { ...spans[0]!, startTimeUnixNano: 'soon' });
    const { records, rejected, total } = otlpToSpanRecords(body);
    expect(total).toBe(4);
    expect(records).toHaveLength(1);
    expect(rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(rejected[0]!.message).toMatch(/^spanId: "xyz"/);
    expect(rejected[1]!.message).toMatch(/^traceId:/);
    expect(rejected[2]!.message).toMatch(/^startTimeUnixNano:/);
  });

  it('survives hostile shapes without throwing', () => {
    for (const body of [null, 1, 'x', { resourceSpans: 'no' }, { resourceSpans: [null, { scopeSpans: [null, { spans: [null, 5] }] }] }]) {
      expect(() => otlpToSpanRecords(body as OtlpRequest)).not.toThrow();
    }
    expect(otlpToSpanRecords({ resourceSpans: [{ scopeSpans: [{ spans: [null as never] }] }] }).rejected).toHaveLength(1);
  });

  it('names the service unknown_service when the resource has none', () => {
    expect(otlpToSpanRecords(request({}, {})).records[0]!.service).toBe('unknown_service');
  });

  it('round-trips through the protobuf schema', () => {
    const body = request({ attributes: attrs({ a: 'x', b: 2, c: 1.5, d: true }), kind: 3, status: { code: 1 } });
    const json = { ...body, resourceSpans: body.resourceSpans!.map((rs) => ({ ...rs, scopeSpans: rs.scopeSpans!.map((ss) => ({ ...ss, spans: ss.spans!.map((s) => ({ ...s, traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.from(SPAN, 'hex') })) })) })) };
    const decoded = decodeTraceRequest(encodeTraceRequest(json)) as OtlpRequest;
    expect(otlpToSpanRecords(decoded).records).toEqual(otlpToSpanRecords(body).records);
  });
});

describe('GenAI and OpenInference conventions', () => {
  it('maps a current GenAI chat span: kind, model, tokens, messages', () => {
    const record = one({
      name: 'chat gpt-4o',
      kind: 3,
      attributes: attrs({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 40,
        'gen_ai.usage.cache_read.input_tokens': 100,
        'gen_ai.conversation.id': 'conv-7',
        'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]',
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]',
        'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"Hello"}],"finish_reason":"stop"}]',
      }),
    });
    expect(record).toMatchObject({
      kind: 'llm',
      sessionId: 'conv-7',
      input: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
      ],
      output: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'stop' }],
    });
    expect(record.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 40,
      'gen_ai.usage.cache_read.input_tokens': 100,
    });
    // Moved into input/output, not stored twice.
    expect(record.attributes!['gen_ai.input.messages']).toBeUndefined();
    expect(record.attributes!['gen_ai.output.messages']).toBeUndefined();
  });

  it('maps legacy gen_ai.prompt.N / gen_ai.completion.N and prompt_tokens', () => {
    const record = one({
      attributes: attrs({
        'gen_ai.system': 'anthropic',
        'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
        'gen_ai.usage.prompt_tokens': 11,
        'gen_ai.usage.completion_tokens': 7,
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'What is 2+2?',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'You are a calculator.',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': '4',
        'gen_ai.completion.0.finish_reason': 'stop',
        'llm.request.type': 'chat',
      }),
    });
    expect(record).toMatchObject({
      kind: 'llm',
      input: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a calculator.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is 2+2?' }] },
      ],
      output: [{ role: 'assistant', parts: [{ type: 'text', content: '4' }], finish_reason: 'stop' }],
    });
    // Usage stays as sent; the one vocabulary (ingest/usage.ts) reads it at encode time.
    expect(record.attributes).toMatchObject({ 'gen_ai.usage.prompt_tokens': 11, 'gen_ai.usage.completion_tokens': 7, 'gen_ai.system': 'anthropic' });
    expect(Object.keys(record.attributes!).filter((k) => k.startsWith('gen_ai.prompt.'))).toEqual([]);
  });

  it('reads OpenLLMetry content parts written as JSON text', () => {
    const record = one({
      attributes: attrs({
        'llm.request.type': 'chat',
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': '[{"type": "text", "text": "What is in this picture?"}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]',
      }),
    });
    expect(record.input).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'What is in this picture?' }, { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' }] },
    ]);
  });

  it('maps OpenInference LLM, tool and agent spans', () => {
    const llm = one({
      attributes: attrs({
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o-mini',
        'llm.provider': 'openai',
        'llm.token_count.prompt': 30,
        'llm.token_count.completion': 5,
        'llm.token_count.total': 35,
        'llm.token_count.prompt_details.cache_read': 10,
        'input.value': '{"messages":[{"role":"user","content":"hey"}]}',
        'input.mime_type': 'application/json',
        'output.value': 'hello there',
        'output.mime_type': 'text/plain',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': 'hey',
        'session.id': 'sess-42',
      }),
    });
    // Structured messages win over the raw input.value, which stays an attribute.
    expect(llm).toMatchObject({ kind: 'llm', sessionId: 'sess-42', input: [{ role: 'user', parts: [{ type: 'text', content: 'hey' }] }], output: 'hello there' });
    expect(llm.attributes).toMatchObject({ 'llm.model_name': 'gpt-4o-mini', 'llm.token_count.prompt': 30, 'llm.token_count.total': 35 });
    expect(llm.attributes!['input.value']).toBe('{"messages":[{"role":"user","content":"hey"}]}');
    expect(llm.attributes!['output.value']).toBeUndefined();

    const tool = one({ name: 'search', attributes: attrs({ 'openinference.span.kind': 'TOOL', 'tool.name': 'search', 'input.value': 'cats' }) });
    expect(tool).toMatchObject({ kind: 'tool', input: 'cats' });
    const agent = one({ attributes: attrs({ 'openinference.span.kind': 'AGENT' }) });
    expect(agent.kind).toBe('agent');
    const chain = one({ attributes: attrs({ 'openinference.span.kind': 'CHAIN' }) });
    expect(chain.kind).toBe('internal');
  });

  it('maps GenAI tool and agent operations', () => {
    const tool = one({
      name: 'execute_tool get_weather',
      attributes: attrs({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
        'gen_ai.tool.call.result': '{"temp":21}',
      }),
    });
    expect(tool).toMatchObject({ kind: 'tool', input: { city: 'Paris' }, output: { temp: 21 } });
    const agent = one({ attributes: attrs({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.request.model': 'gpt-4o' }) });
    expect(agent.kind).toBe('agent');
  });

  it('reads prompts from the older gen_ai.content.* events', () => {
    const record = one({
      attributes: attrs({ 'gen_ai.request.model': 'm' }),
      events: [
        { name: 'gen_ai.content.prompt', timeUnixNano: NOW_NS, attributes: attrs({ 'gen_ai.prompt': '[{"role":"user","content":"q"}]' }) },
        { name: 'gen_ai.content.completion', timeUnixNano: NOW_NS, attributes: attrs({ 'gen_ai.completion': '[{"role":"assistant","content":"a"}]' }) },
      ],
    });
    expect(record).toMatchObject({ kind: 'llm', input: [{ role: 'user', content: 'q' }], output: [{ role: 'assistant', content: 'a' }] });
  });
});

describe('errors and HTTP names', () => {
  it('stores the error type the OpenAI instrumentation sets as error.type, not "Error"', () => {
    // opentelemetry-instrumentation-openai-v2 on an API error: status ERROR + error.type, no exception event.
    const record = one({
      name: 'chat gpt-4o',
      kind: 3,
      attributes: attrs({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'error.type': 'NotFoundError' }),
      status: { code: 2, message: "Error code: 404 - {'error': {'message': 'The model `gpt-4o` does not exist'}}" },
    });
    expect(record.error).toEqual({ type: 'NotFoundError', message: "Error code: 404 - {'error': {'message': 'The model `gpt-4o` does not exist'}}" });
    const withEvent = one({
      attributes: attrs({ 'error.type': 'APIConnectionError' }),
      events: [{ name: 'exception', timeUnixNano: NOW_NS, attributes: attrs({ 'exception.message': 'Connection error.' }) }],
      status: { code: 2 },
    });
    expect(withEvent.error).toMatchObject({ type: 'APIConnectionError', message: 'Connection error.' });
  });

  it.each([
    [{ 'http.request.method': 'GET', 'url.path': '/users/42/orders/9f1c2d3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f', 'url.scheme': 'https' }, 2, 'GET /users/{id}/orders/{id}'],
    [{ 'http.request.method': 'POST', 'url.path': '/api/login' }, 2, 'POST /api/login'],
    [{ 'http.request.method': 'GET', 'http.route': '/cart/:id', 'url.path': '/cart/7' }, 2, 'GET /cart/:id'],
    [{ 'http.method': 'GET', 'http.target': '/search?q=cats' }, 2, 'GET /search'],
    [{ 'http.request.method': 'POST', 'url.full': 'https://api.openai.com/v1/chat/completions', 'server.address': 'api.openai.com' }, 3, 'POST api.openai.com/v1/chat/completions'],
  ] as [Record<string, string>, number, string][])('names an HTTP span called only by its method after its path: %j', (attributes, kind, name) => {
    expect(one({ name: attributes['http.request.method'] ?? attributes['http.method'], kind, attributes: attrs(attributes) }).name).toBe(name);
  });

  it('keeps a descriptive HTTP span name as sent', () => {
    expect(one({ name: 'GET /cart', kind: 2, attributes: attrs({ 'http.request.method': 'GET', 'url.path': '/cart' }) }).name).toBe('GET /cart');
    expect(one({ name: 'GET', kind: 1, attributes: attrs({ 'http.request.method': 'GET', 'url.path': '/x' }) }).name).toBe('GET');
  });
});

describe('limits', () => {
  it('keeps a span with too many attributes within the hub limit instead of losing it', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ key: `k${i}`, value: { intValue: String(i) } }));
    const body = request({ attributes: [...many, ...attrs({ 'gen_ai.usage.prompt_tokens': 5, 'llm.model_name': 'm' })] });
    const { records } = otlpToSpanRecords(body);
    expect(validateSpanRecords(records).rejected).toEqual([]);
    expect(Object.keys(records[0]!.attributes!).length).toBeLessThanOrEqual(512);
  });
});
