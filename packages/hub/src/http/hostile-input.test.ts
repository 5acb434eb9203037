import { request as httpRequest } from 'node:http';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_LIMITS } from '@runtime-hub/protocol';
import { hexId, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

// Bad input on every ingest route: a clear 4xx or a per-record rejection, the good part kept,
// the hub up (issue 16).

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ logLevel: 'silent' });
});
afterAll(() => t.close());

/** POSTs raw bytes (fetch would re-encode a string as valid UTF-8). */
function post(path: string, body: Buffer, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `text` as UTF-8 with the placeholder BAD replaced by a byte that is never valid UTF-8. */
function withBadByte(text: string): Buffer {
  const [before, after] = text.split('BAD') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]);
}

async function expectHealthy(): Promise<void> {
  expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
}

/** A Claude Code hook event shaped as Claude Code's HTTP hooks send it (docs/claude-code.md). */
function hookEvent(sessionId: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { session_id: sessionId, transcript_path: `/home/dev/.claude/projects/-home-dev-shop/${sessionId}.jsonl`, cwd: '/home/dev/shop', hook_event_name: name, ...extra };
}

async function spansOfSession(sessionId: string): Promise<{ name: string; input?: unknown }[]> {
  const res = await fetch(`${t.url}/api/v1/spans?sessionId=${sessionId}`);
  return ((await res.json()) as { spans: { name: string; input?: unknown }[] }).spans;
}

describe('Claude Code hooks', () => {
  it('keeps the batch when one event is nested 5,000 levels deep, and answers 200', async () => {
    const sessionId = `deep-${hexId(16)}`;
    let deep = '1';
    for (let i = 0; i < 5000; i++) deep = `{"a":${deep}}`;
    const start = JSON.stringify(hookEvent(sessionId, 'SessionStart', { source: 'startup' }));
    const tool = JSON.stringify(hookEvent(sessionId, 'PreToolUse', { tool_name: 'Bash', tool_use_id: 'toolu_01', tool_input: 'DEEP' })).replace('"DEEP"', deep);
    const now = Date.now();
    const batch = `{"events":[{"receivedAt":${now},"event":${start}},{"receivedAt":${now + 1},"event":${tool}}]}`;
    const res = await post('/api/v1/hooks/claude', Buffer.from(batch));
    expect(res.status).toBe(200);
    const result = JSON.parse(res.body) as { accepted: number; invalid: unknown[] };
    expect(result.accepted).toBeGreaterThanOrEqual(1);
    const single = await post('/api/v1/hooks/claude', Buffer.from(tool.replace('toolu_01', 'toolu_02')));
    expect(single).toEqual({ status: 200, body: '{}' });
    const names = (await spansOfSession(sessionId)).map((s) => s.name);
    expect(names.length).toBeGreaterThanOrEqual(1);
    await expectHealthy();
  });

  it('refuses only the event with invalid UTF-8 and says so', async () => {
    const sessionId = `utf8-${hexId(16)}`;
    const good = JSON.stringify(hookEvent(sessionId, 'SessionStart', { source: 'startup' }));
    const bad = JSON.stringify(hookEvent(sessionId, 'UserPromptSubmit', { prompt: 'hello BAD world' }));
    const now = Date.now();
    const res = await post('/api/v1/hooks/claude', withBadByte(`{"events":[{"receivedAt":${now},"event":${good}},{"receivedAt":${now + 1},"event":${bad}}]}`));
    expect(res.status).toBe(200);
    const result = JSON.parse(res.body) as { accepted: number; invalid: { index: number; message: string }[] };
    expect(result.invalid).toEqual([{ index: 1, message: expect.stringContaining('INVALID_UTF8') }]);
    expect(result.accepted).toBeGreaterThanOrEqual(1);
    const stored = JSON.stringify(await spansOfSession(sessionId));
    expect(stored).not.toContain('\uFFFD');
  });
});

describe('heartbeats', () => {
  const beat = (extra: Record<string, unknown>) => ({ service: 'beat-app', instanceId: hexId(16), language: 'python', ...extra });

  it('refuses dropped maps with too many reasons, long reasons or huge counts, with INVALID_BODY', async () => {
    const many = Object.fromEntries(Array.from({ length: HEARTBEAT_LIMITS.maxDropReasons + 1 }, (_, i) => [`reason_${i}`, 1]));
    for (const dropped of [many, { ['x'.repeat(HEARTBEAT_LIMITS.maxDropReasonLength + 1)]: 1 }, { queue_full: 1e300 }]) {
      const res = await post('/api/v1/apps/heartbeat', Buffer.from(JSON.stringify(beat({ dropped }))));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'INVALID_BODY', message: expect.stringContaining('dropped') } });
    }
    const ok = await post('/api/v1/apps/heartbeat', Buffer.from(JSON.stringify(beat({ dropped: { queue_full: 3, too_large: 1 } }))));
    expect(ok.status).toBe(200);
  });

  it('refuses a heartbeat with invalid UTF-8 instead of storing it garbled', async () => {
    const instanceId = hexId(16);
    const res = await post('/api/v1/apps/heartbeat', withBadByte(JSON.stringify(beat({ instanceId, host: 'devBADbox' }))));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'INVALID_UTF8', message: expect.stringContaining('host') } });
    const services = JSON.stringify(await (await fetch(`${t.url}/api/v1/services`)).json());
    expect(services).not.toContain(instanceId);
  });
});

describe('span records and OTLP', () => {
  it('JSON spans: only the record with invalid UTF-8 is refused', async () => {
    const good = spanRecord();
    const bad = spanRecord({ name: 'bad BAD name' });
    const res = await post('/api/v1/spans', withBadByte(JSON.stringify({ spans: [good, bad] })));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ accepted: 1, rejected: [{ index: 1, code: 'INVALID_UTF8' }] });
  });

  it('OTLP protobuf: one string with invalid UTF-8 costs only its span', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'otlp-utf8' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('utf8-test');
    const root = tracer.startSpan('good span');
    tracer.startSpan('bad span', { attributes: { note: 'xBADx' } }, trace.setSpan(ROOT_CONTEXT, root)).end();
    root.end();
    const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!);
    const at = bytes.indexOf('xBADx');
    expect(at).toBeGreaterThan(0);
    bytes[at + 1] = 0xff; // same length, so the protobuf framing stays intact
    const res = await post('/v1/traces', bytes, 'application/x-protobuf');
    expect(res.status).toBe(200);
    const traceId = root.spanContext().traceId;
    const stored = (await (await fetch(`${t.url}/api/v1/traces/${traceId}`)).json()) as { spans: { name: string }[] };
    expect(stored.spans.map((s) => s.name)).toEqual(['good span']);
    await expectHealthy();
  });
});
