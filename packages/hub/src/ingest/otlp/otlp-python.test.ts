import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Span } from '@runtime-hub/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { otlpPortUrl } from './otlp-port.js';
import { ensureVenv } from './python-venv.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./fixtures/python_export.py', import.meta.url));

describe('OTLP/HTTP receiver with the official Python exporter (opentelemetry-exporter-otlp-proto-http)', () => {
  let hub: TestHub;
  let python: string;

  beforeAll(async () => {
    python = await ensureVenv(
      'runtime-hub-otlp-python-venv',
      ['opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http'],
      'import opentelemetry.exporter.otlp.proto.http.trace_exporter, opentelemetry.sdk',
    );
    hub = await startTestHub({ otlpPort: 0 });
  }, 300_000);
  afterAll(async () => {
    await hub?.close();
  });

  it('stores a Python agent trace sent as gzip protobuf to the OTLP port', async () => {
    const endpoint = `${otlpPortUrl(hub.hub.app)!}/v1/traces`;
    const { stdout, stderr } = await run(python, [SCRIPT, endpoint, 'py-researcher'], { timeout: 60_000 });
    expect(stderr).not.toMatch(/Failed to export|error/i);
    const traceId = stdout.trim();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const reply = await fetch(`${hub.url}/api/v1/traces/${traceId}`);
    const { spans } = (await reply.json()) as { spans: Span[] };
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['chat claude-3-5-haiku', 'execute_tool fetch', 'invoke_agent researcher']);
    const agent = byName['invoke_agent researcher']!;
    expect(agent).toMatchObject({ kind: 'agent', service: 'py-researcher', parentSpanId: null, status: 'unset' });
    expect(byName['chat claude-3-5-haiku']).toMatchObject({
      kind: 'llm',
      parentSpanId: agent.spanId,
      sessionId: 'py-session-1',
      input: [{ role: 'user', parts: [{ type: 'text', content: 'Summarise the paper' }] }],
      output: [{ role: 'assistant', parts: [{ type: 'text', content: 'It shows that...' }] }],
      usage: { model: 'claude-3-5-haiku-20241022', inputTokens: 500, outputTokens: 80 },
    });
    expect(byName['execute_tool fetch']).toMatchObject({
      kind: 'tool',
      status: 'error',
      error: { type: 'TimeoutError', message: 'fetch timed out after 5s' },
    });
    expect(byName['execute_tool fetch']!.error!.stack).toContain('Traceback');
  });
});
