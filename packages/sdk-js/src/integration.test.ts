import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort, runApp, startHubProcess, stopHub, type RealHub } from './testing/hub-process.js';
import type { WireSpan } from './wire.js';

// A real hub process and real app processes using the built package (ESM and CommonJS), as a
// user runs them. Needs `npm run build`.

interface StoredSpan extends WireSpan {
  usage?: { model?: string; costUsd?: number };
}

async function spansOf(url: string, service: string): Promise<StoredSpan[]> {
  const spans: StoredSpan[] = [];
  let cursor: string | null = null;
  do {
    const reply = await fetch(`${url}/api/v1/spans?service=${service}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    const page = (await reply.json()) as { spans: StoredSpan[]; nextCursor: string | null };
    spans.push(...page.spans);
    cursor = page.nextCursor;
  } while (cursor);
  return spans;
}

async function instanceOf(url: string, service: string) {
  const { services } = (await (await fetch(`${url}/api/v1/services`)).json()) as {
    services: { service: string; instances: { language: string | null; sdk: string | null; dropped: Record<string, number> }[] }[];
  };
  return services.find((s) => s.service === service)?.instances[0];
}

/**
 * The fixture's trace: main(n) with n work(i) children, every 5th one failing. After the hub was
 * unreachable for a second (`hubWasDown`) the SDK stops copying payloads, so outputs may be absent.
 */
function checkRun(spans: StoredSpan[], calls: number, hubWasDown = false) {
  const main = spans.filter((s) => s.name === 'main');
  const work = spans.filter((s) => s.name === 'work');
  expect(main).toHaveLength(1);
  expect(main[0]).toMatchObject({ status: 'ok' });
  if (!hubWasDown || main[0]!.output !== undefined) expect(main[0]!.output).toBe(calls);
  expect(work).toHaveLength(calls);
  expect(new Set(work.map((s) => s.parentSpanId))).toEqual(new Set([main[0]!.spanId]));
  expect(work.filter((s) => s.status === 'error')).toHaveLength(Math.floor(calls / 5));
  expect(work.every((s) => typeof s.endTime === 'number')).toBe(true);
}

describe('SDK against a real hub process', () => {
  const hubs: RealHub[] = [];
  afterEach(async () => {
    for (const hub of hubs.splice(0)) {
      await stopHub(hub);
      rmSync(hub.dataDir, { recursive: true, force: true });
    }
  });
  const start = async (port: number, dataDir?: string) => {
    const hub = await startHubProcess(port, dataDir);
    hubs.push(hub);
    return hub;
  };

  it('a short-lived ESM script delivers every span on exit, without an explicit flush', async () => {
    const hub = await start(await freePort());
    // gzip on, as for a remote hub (loopback defaults to uncompressed).
    const app = runApp('app.mjs', { RUNTIME_HUB_URL: hub.url, SERVICE: 'short-esm', CALLS: '10', RUNTIME_HUB_COMPRESSION: 'gzip' });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    checkRun(await spansOf(hub.url, 'short-esm'), 10);
    const instance = await eventually(() => instanceOf(hub.url, 'short-esm'));
    expect(instance).toMatchObject({ language: 'typescript', dropped: {} });
    expect(instance.sdk).toContain('@runtime-hub/sdk');
  });

  it('the CommonJS build works the same (require), and LLM usage is priced by the hub', async () => {
    const hub = await start(await freePort());
    const app = runApp('app.cjs', { RUNTIME_HUB_URL: hub.url, SERVICE: 'short-cjs' });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const spans = await spansOf(hub.url, 'short-cjs');
    const root = spans.find((s) => s.name === 'cjs-root')!;
    expect(root).toMatchObject({ kind: 'agent', output: 3, usage: { model: 'gpt-4o-mini' } });
    expect(root.usage!.costUsd).toBeCloseTo((1000 * 0.15 + 10 * 0.6) / 1e6, 10);
    expect(spans.find((s) => s.name === 'add')).toMatchObject({ parentSpanId: root.spanId, input: [1, 2], output: 3 });
  });

  it('ESM and CommonJS builds loaded together share one configuration and one context', async () => {
    const hub = await start(await freePort());
    const app = runApp('dual.mjs', { RUNTIME_HUB_URL: hub.url, SERVICE: 'dual' });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const spans = await spansOf(hub.url, 'dual');
    const outer = spans.find((s) => s.name === 'outer-esm')!;
    const inner = spans.find((s) => s.name === 'inner')!;
    expect(inner).toMatchObject({ parentSpanId: outer.spanId, traceId: outer.traceId, output: 'from cjs' });
    // One clock for both builds (performance.timeOrigin): the CommonJS child lies inside its ESM parent.
    expect(inner.startTime).toBeGreaterThanOrEqual(outer.startTime);
    expect(inner.endTime!).toBeLessThanOrEqual(outer.endTime!);
  });

  it('hub down, then up: the app buffers and delivers everything once the hub starts', async () => {
    const port = await freePort();
    const app = runApp('app.mjs', {
      RUNTIME_HUB_URL: `http://127.0.0.1:${port}`,
      SERVICE: 'down-then-up',
      CALLS: '40',
      INTERVAL_MS: '25',
      RUNTIME_HUB_RETRY_MAX_DELAY: '0.3',
      RUNTIME_HUB_SHUTDOWN_TIMEOUT: '10',
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(app.proc.exitCode).toBeNull();
    const hub = await start(port);
    expect(await app.exited).toEqual({ code: 0, signal: null });
    checkRun(await spansOf(hub.url, 'down-then-up'), 40, true);
    const instance = await eventually(() => instanceOf(hub.url, 'down-then-up'));
    expect(instance.dropped).toEqual({});
  });

  it('hub killed (SIGKILL) mid-run and restarted: no span lost', async () => {
    const port = await freePort();
    const first = await start(port);
    const app = runApp('app.mjs', {
      RUNTIME_HUB_URL: first.url,
      SERVICE: 'hub-killed',
      CALLS: '60',
      INTERVAL_MS: '25',
      RUNTIME_HUB_RETRY_MAX_DELAY: '0.3',
      RUNTIME_HUB_SHUTDOWN_TIMEOUT: '10',
    });
    await eventually(async () => ((await spansOf(first.url, 'hub-killed')).length >= 10 ? true : undefined));
    await stopHub(first, 'SIGKILL');
    hubs.splice(hubs.indexOf(first), 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await start(port, first.dataDir);
    expect(await app.exited).toEqual({ code: 0, signal: null });
    checkRun(await spansOf(second.url, 'hub-killed'), 60, true);
  });

  it('SIGTERM flushes what is buffered, then ends the app as the signal would', async () => {
    const hub = await start(await freePort());
    const app = runApp('app.mjs', { RUNTIME_HUB_URL: hub.url, SERVICE: 'sigterm', CALLS: '5', HOLD: '1', RUNTIME_HUB_FLUSH_INTERVAL: '30' });
    await eventually(async () => (app.stdout().includes('done') ? true : undefined));
    app.proc.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    checkRun(await spansOf(hub.url, 'sigterm'), 5);
  });

  it('process.exit() right after dropping records: the hub still hears the final drop count', async () => {
    const hub = await start(await freePort());
    const app = runApp('exit-drops.mjs', { RUNTIME_HUB_URL: hub.url, SERVICE: 'exit-drops' });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const sdkDrops = JSON.parse(app.stdout().trim().split('\n').at(-1)!) as Record<string, number>;
    expect(sdkDrops.queue_full).toBe(90);
    const instance = await eventually(async () => {
      const found = await instanceOf(hub.url, 'exit-drops');
      return found?.dropped.queue_full !== undefined ? found : undefined;
    });
    expect(instance.dropped).toEqual(sdkDrops);
  });

  it('bounds its buffer while the hub is down and reports the drops in its heartbeat', async () => {
    const port = await freePort();
    const app = runApp('app.mjs', {
      RUNTIME_HUB_URL: `http://127.0.0.1:${port}`,
      SERVICE: 'bounded',
      CALLS: '100',
      HOLD: '1',
      RUNTIME_HUB_MAX_QUEUE_SPANS: '20',
      RUNTIME_HUB_RETRY_MAX_DELAY: '0.3',
      RUNTIME_HUB_HEARTBEAT_INTERVAL: '0.2',
    });
    await eventually(async () => (app.stdout().includes('done') ? true : undefined));
    const hub = await start(port);
    // 101 spans (main + 100 work). The buffer held 20 records plus the batch being retried; every
    // span whose end record did not fit was counted, none vanished silently.
    const { ended, dropped } = await eventually(async () => {
      const found = await instanceOf(hub.url, 'bounded');
      const spans = await spansOf(hub.url, 'bounded');
      const done = spans.filter((s) => typeof s.endTime === 'number').length;
      const queueFull = found?.dropped.queue_full ?? 0;
      return done + queueFull === 101 ? { ended: done, dropped: queueFull } : undefined;
    });
    expect(ended).toBeGreaterThan(0);
    expect(ended).toBeLessThanOrEqual(20 + 100 /* the batch in flight */);
    expect(dropped).toBeGreaterThan(0);
    app.proc.kill('SIGKILL');
    await app.exited;
  });
});
