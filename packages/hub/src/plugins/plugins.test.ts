import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubConfig } from '../config.js';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import type { PluginStatus } from './plugin-host.js';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function plugins(hub: TestHub): Promise<PluginStatus[]> {
  return ((await (await fetch(`${hub.url}/api/v1/plugins`)).json()) as { plugins: PluginStatus[] }).plugins;
}

async function notes(hub: TestHub, spanId: string): Promise<Array<{ label?: string; text?: string; score?: number }>> {
  return ((await (await fetch(`${hub.url}/api/v1/spans/${spanId}/annotations`)).json()) as { annotations: Array<{ label?: string; text?: string; score?: number }> }).annotations;
}

async function hubWithPluginFiles(files: Record<string, string>, config: Partial<HubConfig> = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-plugins-'));
  mkdirSync(join(dataDir, 'plugins'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dataDir, 'plugins', name), text);
  const hub = await startTestHub({ dataDir, ...config });
  const close = hub.close.bind(hub);
  hub.close = async () => {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return hub;
}

describe('built-in plugins against a real hub', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await hubWithPluginFiles({ 'settings.json': JSON.stringify({ 'slow-calls': { minSamples: 20 } }) }, { plugins: ['builtin:n-plus-one', 'builtin:slow-calls'] });
    await until('plugins running', async () => ((await plugins(hub)).every((p) => p.state === 'running') ? true : undefined));
  }, 60_000);
  afterAll(async () => hub?.close());

  it('n-plus-one puts one note on a parent that made the same call 12 times, none on one that made it 5 times', async () => {
    const traceId = hexId(32);
    const loopy = hexId(16);
    const fine = hexId(16);
    const now = Date.now();
    const children = (parent: string, n: number) =>
      Array.from({ length: n }, (_, i) => spanRecord({ traceId, parentSpanId: parent, name: 'SELECT * FROM users WHERE id = ?', kind: 'function', startTime: now + i, endTime: now + i + 2 }));
    // Start records first (still running), then the end records in a later batch: counted once each.
    const running: Array<Record<string, unknown>> = children(loopy, 12).map((s) => ({ ...s, endTime: null, status: 'unset' }));
    expect((await postSpans(hub.url, [spanRecord({ traceId, spanId: loopy, name: 'list_users', startTime: now, endTime: now + 50 }), ...running])).status).toBe(200);
    expect((await postSpans(hub.url, running.map((s) => ({ ...s, endTime: (s.startTime as number) + 2, status: 'ok' })))).status).toBe(200);
    expect((await postSpans(hub.url, [spanRecord({ traceId, spanId: fine, name: 'get_user', startTime: now, endTime: now + 20 }), ...children(fine, 5)])).status).toBe(200);

    const found = await until('the N+1 note', async () => (await notes(hub, loopy)).find((n) => n.label === 'plugin:n-plus-one: N+1'));
    expect(found.text).toContain('SELECT * FROM users WHERE id = ?');
    expect(found.score).toBe(10);
    const detections = (await (await fetch(`${hub.url}/api/v1/plugins/n-plus-one/detections`)).json()) as Array<{ parentSpanId: string; count: number }>;
    expect(detections.find((d) => d.parentSpanId === loopy)?.count).toBe(12);
    // The other parent's batch was analyzed too (the plugin counted its spans) without a note.
    await until('every span analyzed', async () => ((await plugins(hub)).find((p) => p.name === 'n-plus-one')!.stats.spans >= 31 ? true : undefined));
    expect(await notes(hub, fine)).toEqual([]);
    expect((await notes(hub, loopy)).filter((n) => n.label?.startsWith('plugin:n-plus-one'))).toHaveLength(1);
  }, 60_000);

  it('slow-calls learns a baseline (settings from <data>/plugins/settings.json) and flags the call 50× slower', async () => {
    const traceId = hexId(32);
    const now = Date.now();
    const usual = Array.from({ length: 30 }, (_, i) => spanRecord({ traceId, name: 'render_invoice', startTime: now + i * 20, endTime: now + i * 20 + 8 + (i % 3) }));
    expect((await postSpans(hub.url, usual)).status).toBe(200);
    const slowId = hexId(16);
    expect((await postSpans(hub.url, [spanRecord({ traceId, spanId: slowId, name: 'render_invoice', startTime: now + 1000, endTime: now + 1500 })])).status).toBe(200);
    const found = await until('the slow-call note', async () => (await notes(hub, slowId)).find((n) => n.label === 'plugin:slow-calls: slow call'));
    expect(found.text).toMatch(/^500\.0 ms, /);
    for (const s of usual) expect(await notes(hub, s.spanId as string)).toEqual([]);
    const status = (await plugins(hub)).find((p) => p.name === 'slow-calls')!;
    expect(status.widgets.map((w) => w.route)).toEqual(['/recent', '/baselines']);
  }, 60_000);

  it('answers unknown plugins and routes with their codes', async () => {
    const missing = await fetch(`${hub.url}/api/v1/plugins/nope/x`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('PLUGIN_NOT_FOUND');
    const noRoute = await fetch(`${hub.url}/api/v1/plugins/n-plus-one/nothing-here`);
    expect(noRoute.status).toBe(404);
    expect(((await noRoute.json()) as { error: { code: string } }).error.code).toBe('PLUGIN_ROUTE_NOT_FOUND');
  });
});

const THROWER = `export default { name: 'thrower', setup(hub) {
  hub.route('GET', '/boom', () => { throw new Error('route exploded'); });
  hub.onSpans((spans) => { if (spans.some((s) => s.name === 'trigger-bug')) throw new TypeError('cannot read x of undefined'); });
} };`;
const HANGER = `export default { name: 'hanger', setup(hub) {
  hub.onSpans((spans) => { if (spans.some((s) => s.name === 'trigger-hang')) for (;;) {} });
} };`;
const SLOWPOKE = `export default { name: 'slowpoke', setup(hub) {
  hub.onSpans(() => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); });
} };`;

describe('plugins that throw, hang or fall behind', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await hubWithPluginFiles(
      { 'thrower.mjs': THROWER, 'hanger.mjs': HANGER, 'slowpoke.mjs': SLOWPOKE, 'broken.mjs': 'export default {' },
      { plugins: ['builtin:nope', './no/such/plugin.js'], pluginLimits: { batchMs: 1500, maxQueuedSpans: 50 } },
    );
    await until('plugins settled', async () => ((await plugins(hub)).some((p) => p.state === 'starting') ? undefined : true));
  }, 60_000);
  afterAll(async () => hub?.close());

  it('lists plugins that could not load, with the reason', async () => {
    const list = await plugins(hub);
    const reasons = Object.fromEntries(list.filter((p) => p.state === 'disabled').map((p) => [p.source, p.error]));
    expect(reasons['builtin:nope']).toContain('no built-in plugin "nope"');
    expect(reasons['./no/such/plugin.js']).toContain('file not found');
    expect(Object.entries(reasons).find(([source]) => source.endsWith('broken.mjs'))?.[1]).toMatch(/^setup failed: SyntaxError/);
    expect(list.filter((p) => p.state === 'running').map((p) => p.name).sort()).toEqual(['hanger', 'slowpoke', 'thrower']);
  });

  it('a route that throws answers 502 PLUGIN_FAILED and the plugin stays on', async () => {
    const reply = await fetch(`${hub.url}/api/v1/plugins/thrower/boom`);
    expect(reply.status).toBe(502);
    expect(((await reply.json()) as { error: { message: string } }).error.message).toContain('route exploded');
    expect((await plugins(hub)).find((p) => p.name === 'thrower')!.state).toBe('running');
  });

  it('disables a plugin whose analyzer throws, and one that hangs, while the hub keeps ingesting and answering', async () => {
    expect((await postSpans(hub.url, [spanRecord({ name: 'trigger-bug' }), spanRecord({ name: 'trigger-hang' })])).status).toBe(200);
    const thrower = await until('thrower disabled', async () => (await plugins(hub)).find((p) => p.name === 'thrower' && p.state === 'disabled'));
    expect(thrower.error).toBe('its span analyzer threw TypeError: cannot read x of undefined');
    // While the hanger spins in its thread, the hub answers and stores spans.
    const during = spanRecord({ name: 'while-hanging' });
    expect((await postSpans(hub.url, [during])).status).toBe(200);
    expect((await fetch(`${hub.url}/api/v1/spans/${during.spanId as string}`)).status).toBe(200);
    const hanger = await until('hanger disabled', async () => (await plugins(hub)).find((p) => p.name === 'hanger' && p.state === 'disabled'));
    expect(hanger.error).toMatch(/^hung: its span analyzer did not finish a batch of \d+ spans within 1\.5 s$/);
    const disabledRoute = await fetch(`${hub.url}/api/v1/plugins/thrower/boom`);
    expect(disabledRoute.status).toBe(503);
    expect(((await disabledRoute.json()) as { error: { code: string } }).error.code).toBe('PLUGIN_DISABLED');
    expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
  }, 60_000);

  it('drops and counts spans a slow plugin cannot keep up with, instead of buffering them', async () => {
    for (let i = 0; i < 10; i++) expect((await postSpans(hub.url, Array.from({ length: 40 }, () => spanRecord({ name: 'burst' })))).status).toBe(200);
    const slowpoke = await until('drops counted', async () => {
      const p = (await plugins(hub)).find((x) => x.name === 'slowpoke')!;
      return p.stats.droppedSpans > 0 ? p : undefined;
    });
    expect(slowpoke.state).toBe('running');
    expect(slowpoke.stats.droppedSpans).toBeGreaterThan(0);
  }, 60_000);
});
