import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Span } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { otlpPortUrl } from './otlp-port.js';
import { ensureVenv } from './python-venv.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./fixtures/openai_logs_export.py', import.meta.url));
// Pinned: opentelemetry-instrumentation-openai-v2 2.4b0 imports opentelemetry.util.genai.instruments,
// which opentelemetry-util-genai 1.2b0 and later no longer have.
const PACKAGES = [
  'opentelemetry-sdk',
  'opentelemetry-exporter-otlp-proto-http',
  'opentelemetry-instrumentation-openai-v2==2.4b0',
  'opentelemetry-util-genai==1.1b0',
  'openai',
  'httpx',
];

// The last release that writes GenAI content as one log event per message (semantic conventions 1.30).
const LEGACY_PACKAGES = ['opentelemetry-instrumentation-openai-v2==2.3b0', 'opentelemetry-sdk~=1.37.0', 'opentelemetry-exporter-otlp-proto-http~=1.37.0', 'openai', 'httpx'];

/** The messages the script sends, in the hub's one message shape. */
const INPUT = [
  { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
  { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { temp: 18 } }] },
];

describe('OTLP logs: GenAI events of the official OpenAI instrumentation (opentelemetry-instrumentation-openai-v2)', () => {
  let hub: TestHub;
  let python: string;
  let legacyPython: string;

  beforeAll(async () => {
    python = await ensureVenv('runtime-hub-otlp-genai-venv', PACKAGES, 'import opentelemetry.instrumentation.openai_v2.instruments, openai, httpx');
    legacyPython = await ensureVenv('runtime-hub-otlp-genai-legacy-venv', LEGACY_PACKAGES, 'from opentelemetry.instrumentation.openai_v2.utils import message_to_event; import openai, httpx');
    hub = await startTestHub({ otlpPort: 0 });
  }, 300_000);
  afterAll(async () => {
    await hub?.close();
  });

  async function exportRun(mode: string, order: string): Promise<Record<string, Span>> {
    const { stdout, stderr } = await run(mode === 'legacy' ? legacyPython : python, [SCRIPT, otlpPortUrl(hub.hub.app)!, mode, order], { timeout: 60_000 });
    expect(stderr).not.toMatch(/Failed to export|error/i);
    const traceId = stdout.trim();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // Logs that came before their span are merged when it is committed, right after the reply.
    for (let i = 0; i < 50; i++) {
      const { spans } = (await (await fetch(`${hub.url}/api/v1/traces/${traceId}`)).json()) as { spans: Span[] };
      const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
      if (byName['chat gpt-4o-mini']?.output !== undefined) return byName;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the chat span of trace ${traceId} never got its output`);
  }

  it.each([
    ['legacy', 'logs-first'],
    ['legacy', 'spans-first'],
    ['event_only', 'logs-first'],
    ['event_only', 'spans-first'],
    ['span_and_event', 'spans-first'],
  ])('mode %s, %s: the chat span gets its messages as input and output', async (mode, order) => {
    const spans = await exportRun(mode, order);
    const chat = spans['chat gpt-4o-mini']!;
    expect(chat.kind).toBe('llm');
    expect(chat.usage).toEqual({ model: 'gpt-4o-mini-2024-07-18', inputTokens: 1000, outputTokens: 100, costUsd: (1000 * 0.15 + 100 * 0.6) / 1e6 });
    expect(chat.output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'It is 18 degrees in Paris.' }], finish_reason: 'stop' }]);
    if (mode === 'legacy') {
      expect(chat.input).toEqual(INPUT);
    } else {
      // opentelemetry-util-genai writes the current GenAI message schema itself.
      expect(chat.input).toMatchObject([
        { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1' }] },
      ]);
    }
    // The GenAI events became messages, not events.
    expect((chat.events ?? []).filter((e) => e.name.startsWith('gen_ai.'))).toEqual([]);

    const failed = spans['chat gpt-missing']!;
    // 2.3b0 writes error.type 'NotFoundError'; opentelemetry-util-genai writes str(type(error)),
    // "<class 'openai.NotFoundError'>", which the hub reads as the class name.
    expect(failed.status).toBe('error');
    expect(failed.error!.type).toBe(mode === 'legacy' ? 'NotFoundError' : 'openai.NotFoundError');
    expect(failed.error!.message).toContain('gpt-missing');
  }, 90_000);

  it('keeps other logs as events of their span and reports logs without a span as dropped', async () => {
    const traceId = 'ab'.repeat(16);
    const spanId = 'cd'.repeat(8);
    const span = { traceId, spanId, name: 'work', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000' };
    const post = (path: string, body: unknown) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/traces', { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })).status).toBe(200);
    const reply = await post('/v1/logs', {
      resourceLogs: [{
        scopeLogs: [{
          logRecords: [
            { timeUnixNano: '1700000000500000000', severityText: 'WARN', body: { stringValue: 'cache miss' }, attributes: [{ key: 'cache.key', value: { stringValue: 'user:7' } }], traceId, spanId },
            { timeUnixNano: '1700000000600000000', severityText: 'INFO', body: { stringValue: 'no span here' } },
          ],
        }],
      }],
    });
    expect(reply.status).toBe(200);
    const answer = (await reply.json()) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    expect(answer.partialSuccess.rejectedLogRecords).toBe('1');
    expect(answer.partialSuccess.errorMessage).toContain('log record 1: no trace and span id');
    const { spans } = (await (await fetch(`${hub.url}/api/v1/traces/${traceId}`)).json()) as { spans: Span[] };
    expect(spans[0]!.events).toEqual([{ name: 'log', time: 1700000000500, attributes: { 'cache.key': 'user:7', 'log.severity': 'WARN', 'log.body': 'cache miss' } }]);
  });

  it('answers a protobuf body it cannot read with 400', async () => {
    const reply = await fetch(`${hub.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0x0a, 0xff, 0xff]) });
    expect(reply.status).toBe(400);
  });
});
