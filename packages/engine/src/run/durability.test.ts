import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../ports.js';
import { jsonResponse, scriptedHttp, testEngine } from '../testing/harness.js';

const manual = (body: unknown = {}) => ({ type: 'manual' as const, body });

function wf(id: string, nodes: unknown[], edges: unknown[], extra: Record<string, unknown> = {}) {
  return { id, name: id, nodes: [{ id: 'start', type: 'trigger' }, ...nodes], edges, ...extra };
}

/** An HTTP client whose answers the test releases by hand. */
function heldHttp() {
  const held: { request: HttpRequest; resolve: (r: HttpResponse) => void; reject: (e: unknown) => void }[] = [];
  return {
    held,
    client: {
      request: (request: HttpRequest) =>
        new Promise<HttpResponse>((resolve, reject) => {
          held.push({ request, resolve, reject });
          request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
        }),
    },
  };
}

describe('retries', () => {
  const retrying = wf(
    'retry',
    [{ id: 'call', type: 'http', config: { url: 'http://api.test/x' }, retry: { maxRetries: 3, initialBackoffMs: 1000, multiplier: 2, maxBackoffMs: 3000, jitter: 0 } }],
    [{ source: 'start', target: 'call' }],
  );

  it('follows the configured backoff exactly (injected clock, no sleeps)', async () => {
    const http = scriptedHttp((_, call) => (call < 4 ? jsonResponse(503, { busy: true }) : jsonResponse(200, { ok: call })));
    const t = await testEngine([retrying], { http });
    const t0 = t.clock.now();
    const run = await t.engine.startRun({ project: 'demo', workflow: 'retry', trigger: manual() });
    await t.clock.advance(0);
    expect(http.calls).toHaveLength(1);
    expect(t.clock.pendingTimers()).toEqual([t0 + 1000]);
    await t.clock.advance(999);
    expect(http.calls).toHaveLength(1);
    await t.clock.advance(1);
    expect(http.calls).toHaveLength(2);
    expect(t.clock.pendingTimers()).toEqual([t0 + 1000 + 2000]);
    await t.clock.advanceTo(t0 + 3000);
    expect(http.calls).toHaveLength(3);
    expect(t.clock.pendingTimers()).toEqual([t0 + 3000 + 3000]);
    await t.clock.advanceTo(t0 + 6000);
    const done = await t.engine.waitForRun(run.id);
    expect(done).toMatchObject({ status: 'succeeded', output: { status: 200, body: { ok: 4 } } });
    const steps = (await t.engine.getRun(run.id))!.steps;
    expect(steps.map((s) => [s.nodeId, s.attempt, s.status, s.retryAt === undefined ? null : s.retryAt - t0, s.startedAt - t0])).toEqual([
      ['start', 1, 'succeeded', null, 0],
      ['call', 1, 'failed', 1000, 0],
      ['call', 2, 'failed', 3000, 1000],
      ['call', 3, 'failed', 6000, 3000],
      ['call', 4, 'succeeded', null, 6000],
    ]);
    const nodeSpans = t.spans.filter((s) => s.name === 'call' && s.endTime !== undefined);
    expect(nodeSpans.map((s) => [s.attributes?.['workflow.node.attempt'], s.status])).toEqual([
      [1, 'error'],
      [2, 'error'],
      [3, 'error'],
      [4, 'ok'],
    ]);
  });

  it('applies jitter from the injected randomness', async () => {
    const http = scriptedHttp((_, call) => (call === 1 ? jsonResponse(429, {}) : jsonResponse(200, {})));
    const jittery = { ...retrying, nodes: [retrying.nodes[0], { ...(retrying.nodes[1] as object), retry: { maxRetries: 1, initialBackoffMs: 1000, jitter: 0.5 } }] };
    const ids = (await import('../ids.js')).sequentialIds();
    ids.fixedRandom = 1 - 1e-9;
    const t = await testEngine([jittery], { http, ids });
    const t0 = t.clock.now();
    await t.engine.startRun({ project: 'demo', workflow: 'retry', trigger: manual() });
    await t.clock.advance(0);
    expect(t.clock.pendingTimers()).toEqual([t0 + 1500]);
  });

  it('fails at once on a non-retryable status and on exhausted retries', async () => {
    const notFound = scriptedHttp(() => jsonResponse(404, {}));
    const t = await testEngine([retrying], { http: notFound });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'retry', trigger: manual() });
    const done = await t.engine.waitForRun(run.id);
    expect(notFound.calls).toHaveLength(1);
    expect(done.error).toMatchObject({ code: 'HTTP_STATUS', status: 404, nodeId: 'call', retryable: false });

    const down = scriptedHttp(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    });
    const t2 = await testEngine([retrying], { http: down });
    const run2 = await t2.engine.startRun({ project: 'demo', workflow: 'retry', trigger: manual() });
    await t2.clock.advance(60_000);
    const done2 = await t2.engine.waitForRun(run2.id);
    expect(down.calls).toHaveLength(4);
    expect(done2.error).toMatchObject({ code: 'ECONNREFUSED', nodeId: 'call' });
    expect(done2.error?.message).toContain('ECONNREFUSED');
  });

  it('times out a node attempt and retries it; times out the whole run', async () => {
    const { client, held } = heldHttp();
    const def = wf(
      'slow',
      [{ id: 'call', type: 'http', timeoutMs: 5000, config: { url: 'http://api.test/slow' }, retry: { maxRetries: 1, initialBackoffMs: 100, jitter: 0 } }],
      [{ source: 'start', target: 'call' }],
    );
    const t = await testEngine([def], { http: client });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'slow', trigger: manual() });
    await t.clock.advance(5000);
    expect(held).toHaveLength(1);
    expect(held[0]?.request.signal.aborted).toBe(true);
    await t.clock.advance(100);
    expect(held).toHaveLength(2);
    await t.clock.advance(5000);
    const done = await t.engine.waitForRun(run.id);
    expect(done.error).toMatchObject({ code: 'NODE_TIMEOUT', nodeId: 'call' });

    const capped = { ...def, id: 'capped', settings: { timeoutMs: 2000 } };
    const t2 = await testEngine([capped], { http: heldHttp().client });
    const run2 = await t2.engine.startRun({ project: 'demo', workflow: 'capped', trigger: manual() });
    await t2.clock.advance(2000);
    const done2 = await t2.engine.waitForRun(run2.id);
    expect(done2).toMatchObject({ status: 'failed', error: { code: 'RUN_TIMEOUT' } });
    expect((await t2.engine.getRun(run2.id))!.steps.at(-1)?.status).toBe('cancelled');
  });

  it('cancels a run and its in-flight node', async () => {
    const { client, held } = heldHttp();
    const def = wf('cancel', [{ id: 'call', type: 'http', config: { url: 'http://api.test/slow' } }], [{ source: 'start', target: 'call' }]);
    const t = await testEngine([def], { http: client });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'cancel', trigger: manual() });
    await t.clock.advance(0);
    const cancelled = await t.engine.cancel(run.id);
    expect(cancelled.status).toBe('cancelled');
    expect(held[0]?.request.signal.aborted).toBe(true);
    await expect(t.engine.cancel(run.id)).rejects.toMatchObject({ code: 'RUN_FINISHED' });
  });
});

describe('durability', () => {
  it('a 48 h wait survives a restart and fires at its time', async () => {
    const def = wf(
      'remind',
      [
        { id: 'wait', type: 'wait', config: { duration: '48h' } },
        { id: 'done', type: 'set', config: { fields: { reminded: '{{ trigger.body.who }}' } } },
      ],
      [
        { source: 'start', target: 'wait' },
        { source: 'wait', target: 'done' },
      ],
    );
    const t = await testEngine([def]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'remind', trigger: manual({ who: 'Ada' }) });
    expect(run.status).toBe('waiting');
    await t.clock.advance(47 * 3600_000);
    const t2 = await t.restart();
    expect((await t2.engine.getRun(run.id))?.run.status).toBe('waiting');
    await t2.clock.advance(3600_000 - 1);
    expect((await t2.engine.getRun(run.id))?.run.status).toBe('waiting');
    await t2.clock.advance(1);
    expect(await t2.engine.waitForRun(run.id)).toMatchObject({ status: 'succeeded', output: { reminded: 'Ada' } });
  });

  it('a wait that fell due during downtime fires right after the restart', async () => {
    const def = wf('w', [{ id: 'wait', type: 'wait', config: { duration: '10m' } }], [{ source: 'start', target: 'wait' }]);
    const t = await testEngine([def]);
    const run = await t.engine.startRun({ project: 'demo', workflow: 'w', trigger: manual({ x: 1 }) });
    await t.engine.stop();
    // Down for an hour: nothing runs, the clock moves on.
    const later = new (await import('../clock.js')).ManualClock(t.clock.now() + 3600_000);
    const t2 = await t.restart({ clock: later });
    await later.advance(0);
    expect(await t2.engine.waitForRun(run.id)).toMatchObject({ status: 'succeeded', output: { type: 'manual', body: { x: 1 } } });
  });

  it('resumes in-flight runs from their last finished node; finished nodes do not run again', async () => {
    const first = heldHttp();
    const def = wf(
      'chain',
      [
        { id: 'a', type: 'http', config: { url: 'http://api.test/a', method: 'POST', body: { run: '{{ run.id }}' } } },
        { id: 'b', type: 'http', config: { url: 'http://api.test/b', method: 'POST', body: '{{ nodes.a.output.body }}' } },
        { id: 'out', type: 'set', config: { fields: { a: '{{ nodes.a.output.body.n }}', b: '{{ input.body.n }}' } } },
      ],
      [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'out' },
      ],
    );
    const t = await testEngine([def], { http: first.client });
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await t.engine.startRun({ project: 'demo', workflow: 'chain', trigger: manual({ i }) }));
    await t.clock.advance(0);
    // Node a of every run answers; node b is in flight when the process dies.
    for (const h of first.held.splice(0)) h.resolve(jsonResponse(200, { n: 1 }));
    await t.clock.advance(0);
    expect(first.held.map((h) => h.request.url)).toEqual(Array(5).fill('http://api.test/b'));

    const second = scriptedHttp((request) => jsonResponse(200, { n: request.url.endsWith('/b') ? 2 : 99 }));
    const t2 = await t.restart({ http: second });
    for (const run of runs) expect(await t2.engine.waitForRun(run.id)).toMatchObject({ status: 'succeeded', output: { a: 1, b: 2 } });
    expect(second.calls.map((c) => c.url)).toEqual(Array(5).fill('http://api.test/b'));
  });

  it('re-runs from a node, reusing recorded outputs upstream; re-runs on the current version', async () => {
    let answer = 1;
    const http = scriptedHttp((request) => jsonResponse(200, { n: request.url.endsWith('/a') ? answer++ : 0 }));
    const def = wf(
      'rerun',
      [
        { id: 'a', type: 'http', config: { url: 'http://api.test/a' } },
        { id: 'calc', type: 'transform', config: { value: '{{ nodes.a.output.body.n * 10 }}' } },
      ],
      [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'calc' },
      ],
    );
    const t = await testEngine([def], { http });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'rerun', trigger: manual() });
    expect((await t.engine.waitForRun(run.id)).output).toBe(10);

    const partial = await t.engine.rerun(run.id, { fromNode: 'calc' });
    expect(await t.engine.waitForRun(partial.id)).toMatchObject({ status: 'succeeded', output: 10, rerunOf: run.id, rerunFrom: 'calc' });
    expect(http.calls).toHaveLength(1);
    const steps = (await t.engine.getRun(partial.id))!.steps;
    expect(steps.map((s) => [s.nodeId, Boolean(s.reused)])).toEqual([
      ['start', true],
      ['a', true],
      ['calc', false],
    ]);

    await t.source.putWorkflow('demo', { ...def, nodes: [def.nodes[0], def.nodes[1], { id: 'calc', type: 'transform', config: { value: '{{ nodes.a.output.body.n * 100 }}' } }] });
    const same = await t.engine.rerun(run.id, { fromNode: 'calc' });
    expect((await t.engine.waitForRun(same.id)).output).toBe(10);
    const current = await t.engine.rerun(run.id, { fromNode: 'calc', version: 'current' });
    expect(await t.engine.waitForRun(current.id)).toMatchObject({ output: 100, version: 2 });
    const whole = await t.engine.rerun(run.id, { version: 'current' });
    expect((await t.engine.waitForRun(whole.id)).output).toBe(200);
    await expect(t.engine.rerun(run.id, { fromNode: 'nope' })).rejects.toMatchObject({ code: 'INVALID_RERUN' });
  });

  it('queues runs beyond the concurrency limit and starts them in order', async () => {
    const { client, held } = heldHttp();
    const def = wf('limited', [{ id: 'call', type: 'http', config: { url: 'http://api.test/{{ trigger.body.i }}' } }], [{ source: 'start', target: 'call' }], {
      settings: { maxConcurrentRuns: 2 },
    });
    const t = await testEngine([def], { http: client });
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await t.engine.startRun({ project: 'demo', workflow: 'limited', trigger: manual({ i }) }));
    expect(runs.map((r) => r.status)).toEqual(['running', 'running', 'queued', 'queued', 'queued']);
    await t.clock.advance(0);
    expect(held.map((h) => h.request.url)).toEqual(['http://api.test/0', 'http://api.test/1']);
    held[0]?.resolve(jsonResponse(200, {}));
    await t.clock.advance(0);
    expect(held.map((h) => h.request.url)).toEqual(['http://api.test/0', 'http://api.test/1', 'http://api.test/2']);
    // A restart keeps the queue.
    const t2 = await t.restart({ http: scriptedHttp(() => jsonResponse(200, {})) });
    for (const run of runs) expect((await t2.engine.waitForRun(run.id)).status).toBe('succeeded');
  });

  it('never runs more than the limit, even when started all at once', async () => {
    const def = wf('capped2', [{ id: 'pause', type: 'wait', config: { duration: '1m' } }], [{ source: 'start', target: 'pause' }], { settings: { maxConcurrentRuns: 2 } });
    const t = await testEngine([def]);
    const runs = await Promise.all(Array.from({ length: 7 }, (_, i) => t.engine.startRun({ project: 'demo', workflow: 'capped2', trigger: manual({ i }) })));
    expect(runs.filter((r) => r.status === 'waiting')).toHaveLength(2);
    let peak = t.engine.activeRuns;
    for (let minute = 0; minute < 5; minute++) {
      await t.clock.advance(60_000);
      peak = Math.max(peak, t.engine.activeRuns);
    }
    expect(peak).toBe(2);
    for (const run of runs) expect((await t.engine.waitForRun(run.id)).status).toBe('succeeded');
  });
});
