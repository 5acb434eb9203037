import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, startHubProcess, stopHub, type RealHub } from '../testing/hub-process.js';

// Re-invoking a function of a running Node app (docs/replay.md): a real hub process, a real app
// using the built ESM SDK with `invocable`, and the HTTP API the dashboard's "Re-invoke" uses.
// Needs `npm run build`.

const APP = fileURLToPath(new URL('../testing/fixtures/invoke-app.mjs', import.meta.url));
let hub: RealHub;
let app: ChildProcess;

interface Span {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  endTime: number | null;
  output?: unknown;
  attributes?: Record<string, unknown>;
}

beforeAll(async () => {
  hub = await startHubProcess(await freePort());
  app = spawn(process.execPath, [APP], { env: { ...process.env, RUNTIME_HUB_URL: hub.url }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => app.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()));
}, 60_000);

afterAll(async () => {
  app?.kill();
  if (hub) {
    await stopHub(hub);
    rmSync(hub.dataDir, { recursive: true, force: true });
  }
});

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { invocation: { id: string } } };
};

describe('re-invoke a TypeScript function in the running app', () => {
  it('runs it with the edited arguments and links the new span to the recorded call', async () => {
    const original = await eventually(async () => {
      const { spans } = (await (await fetch(`${hub.url}/api/v1/spans?service=invoke-app-ts`)).json()) as { spans: Span[] };
      return spans.find((s) => s.name === 'price' && s.endTime !== null);
    });
    await eventually(async () => {
      const offer = (await (await fetch(`${hub.url}/api/v1/invocable?service=invoke-app-ts`)).json()) as { functions: { name: string }[] };
      return offer.functions.some((f) => f.name === 'price') ? true : undefined;
    });

    const queued = await post('/api/v1/invocations', { spanId: original.spanId, args: ['B', 4] });
    expect(queued.status).toBe(202);
    const { invocation } = (await (await fetch(`${hub.url}/api/v1/invocations/${queued.body.invocation.id}?waitMs=20000`)).json()) as {
      invocation: { status: string; result: { status: string; output: unknown; traceId: string; spanId: string } };
    };
    expect(invocation).toMatchObject({ status: 'done', result: { status: 'ok', output: { sku: 'B', total: 10 } } });
    const spans = await eventually(async () => {
      const reply = await fetch(`${hub.url}/api/v1/traces/${invocation.result.traceId}`);
      const list = reply.ok ? ((await reply.json()) as { spans: Span[] }).spans : [];
      return list.length === 2 && list.every((s) => s.endTime !== null) ? list : undefined;
    });
    const invoke = spans.find((s) => s.name === 'invoke price')!;
    expect(invoke.attributes).toMatchObject({ 'runtime_hub.invoke.of': original.spanId, 'runtime_hub.invoke.requested_by': '127.0.0.1' });
    expect(spans.find((s) => s.name === 'price')).toMatchObject({ parentSpanId: invoke.spanId, output: { sku: 'B', total: 10 } });

    const failing = await post('/api/v1/invocations', { spanId: original.spanId, args: ['B', -1] });
    const failed = (await (await fetch(`${hub.url}/api/v1/invocations/${failing.body.invocation.id}?waitMs=20000`)).json()) as { invocation: { result: unknown } };
    expect(failed.invocation.result).toMatchObject({ status: 'error', error: { type: 'RangeError', message: 'qty must be >= 0, got -1' } });
    expect(app.exitCode).toBeNull();
  }, 120_000);
});
