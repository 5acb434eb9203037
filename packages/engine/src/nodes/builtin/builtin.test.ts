import { describe, expect, it } from 'vitest';
import { jsonResponse, scriptedHttp, testEngine } from '../../testing/harness.js';

const manual = (body: unknown = {}) => ({ type: 'manual' as const, body });

function chain(id: string, nodes: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const all = [{ id: 'start', type: 'trigger' }, ...nodes];
  const edges = all.slice(1).map((node, i) => ({ source: (all[i] as { id: string }).id, target: node.id as string }));
  return { id, name: id, nodes: all, edges, ...extra };
}

async function runOnce(def: unknown, body: unknown, options: Parameters<typeof testEngine>[1] = {}) {
  const t = await testEngine([def], options);
  const run = await t.engine.startRun({ project: 'demo', workflow: (def as { id: string }).id, trigger: manual(body) });
  return { t, done: await t.engine.waitForRun(run.id) };
}

describe('built-in nodes', () => {
  it('http: method, query, headers, JSON / form / text bodies, and response parsing', async () => {
    const http = scriptedHttp((request) =>
      request.url.includes('text') ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'plain' } : jsonResponse(201, { got: request.body ?? null }),
    );
    const def = chain('h', [
      { id: 'json', type: 'http', config: { method: 'POST', url: 'http://api.test/items', query: { q: '{{ trigger.body.q }}', tags: ['a', 'b'] }, headers: { 'X-Trace': 'yes' }, body: { n: '{{ trigger.body.n }}' } } },
      { id: 'form', type: 'http', config: { method: 'PUT', url: 'http://api.test/form', bodyType: 'form', body: { a: 1, b: 'x y' } } },
      { id: 'text', type: 'http', config: { url: 'http://api.test/text' } },
    ]);
    const { done } = await runOnce(def, { q: 'x&y', n: 5 }, { http });
    expect(done.status).toBe('succeeded');
    expect(http.calls.map((c) => [c.method, c.url, c.body ?? null, c.headers['content-type'] ?? null])).toEqual([
      ['POST', 'http://api.test/items?q=x%26y&tags=a&tags=b', '{"n":5}', 'application/json'],
      ['PUT', 'http://api.test/form', 'a=1&b=x+y', 'application/x-www-form-urlencoded'],
      ['GET', 'http://api.test/text', null, null],
    ]);
    expect(http.calls[0]?.headers['x-trace']).toBe('yes');
    expect(done.output).toEqual({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'plain' });
    const bad = await runOnce(chain('u', [{ id: 'x', type: 'http', config: { url: 'ftp://nope' } }]), {}, { http });
    expect(bad.done.error).toMatchObject({ code: 'CONFIG_INVALID', field: 'url' });
  });

  it('notification: posts a Slack-compatible payload', async () => {
    const http = scriptedHttp(() => ({ status: 200, headers: {}, body: 'ok' }));
    const def = chain('n', [{ id: 'tell', type: 'notification', config: { url: 'https://hooks.slack.test/T/B/X', title: 'Deploy', text: '{{ trigger.body.who }} deployed', iconEmoji: ':rocket:', extra: { unfurl_links: false } } }]);
    const { done } = await runOnce(def, { who: 'Ada' }, { http });
    expect(done.output).toEqual({ delivered: true, status: 200, response: 'ok' });
    expect(JSON.parse(http.calls[0]?.body as string)).toEqual({ text: '*Deploy*\nAda deployed', icon_emoji: ':rocket:', unfurl_links: false });
  });

  it('workflow call over HTTP posts the input and outputs the answer', async () => {
    const http = scriptedHttp((request) => jsonResponse(200, { echoed: JSON.parse(request.body as string) }));
    const def = chain('c', [{ id: 'remote', type: 'workflow', config: { mode: 'http', url: 'https://other.test/w/p/x', input: { a: '{{ trigger.body.a }}' } } }]);
    const { done } = await runOnce(def, { a: 1 }, { http });
    expect(done.output).toEqual({ echoed: { a: 1 } });
    expect(http.calls[0]?.method).toBe('POST');
  });

  it('set nests dotted names and keeps the input on request; disabled nodes pass their input on', async () => {
    const def = chain('s', [
      { id: 'a', type: 'set', config: { fields: { 'user.name': '{{ trigger.body.name }}', 'user.tags': ['x'] } } },
      { id: 'off', type: 'transform', config: { value: 'never' }, disabled: true },
      { id: 'b', type: 'set', config: { keepInput: true, fields: { 'user.id': 7, ok: true } } },
    ]);
    const { done } = await runOnce(def, { name: 'Ada' });
    expect(done.output).toEqual({ user: { name: 'Ada', tags: ['x'], id: 7 }, ok: true });
    const bad = await runOnce(chain('p', [{ id: 'a', type: 'set', config: { fields: { '__proto__.polluted': 1 } } }]), {});
    expect(bad.done.error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('wait until a time; merge as array, merged object or first', async () => {
    const def = {
      id: 'm',
      name: 'm',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'later', type: 'wait', config: { mode: 'until', until: '{{ trigger.body.at }}' } },
        { id: 'x', type: 'transform', config: { value: { a: 1 } } },
        { id: 'y', type: 'transform', config: { value: { b: 2 } } },
        { id: 'arr', type: 'merge', config: { mode: 'array' } },
        { id: 'obj', type: 'merge', config: { mode: 'merge' } },
        { id: 'all', type: 'merge' },
      ],
      edges: [
        { source: 'start', target: 'later' },
        { source: 'later', target: 'x' },
        { source: 'later', target: 'y' },
        { source: 'x', target: 'arr' },
        { source: 'y', target: 'arr' },
        { source: 'x', target: 'obj' },
        { source: 'y', target: 'obj' },
        { source: 'arr', target: 'all' },
        { source: 'obj', target: 'all' },
      ],
    };
    const t = await testEngine([def]);
    const at = new Date(t.clock.now() + 90_000).toISOString();
    const run = await t.engine.startRun({ project: 'demo', workflow: 'm', trigger: manual({ at }) });
    expect(run.status).toBe('waiting');
    await t.clock.advance(89_999);
    expect((await t.engine.getRun(run.id))?.run.status).toBe('waiting');
    await t.clock.advance(1);
    expect((await t.engine.waitForRun(run.id)).output).toEqual({ arr: [{ a: 1 }, { b: 2 }], obj: { a: 1, b: 2 } });
  });

  it('shell nodes see the project and node environment and fail on a non-zero exit', async () => {
    const { childShell } = await import('../../adapters/child-shell.js');
    const ok = await runOnce(chain('sh', [{ id: 'sh', type: 'shell', config: { command: 'echo "$REGION-$WHO"', env: { WHO: '{{ trigger.body.who }}' } } }]), { who: 'me' }, {
      shell: childShell(),
      project: { id: 'demo', name: 'Demo', env: { REGION: 'eu' }, settings: { allowShell: true, allowCode: false } },
    });
    expect(ok.done.output).toMatchObject({ exitCode: 0, stdout: 'eu-me\n' });
    const failing = await runOnce(chain('sh2', [{ id: 'sh', type: 'shell', config: { command: 'echo nope >&2; exit 4' } }]), {}, {
      shell: childShell(),
      project: { id: 'demo', name: 'Demo', settings: { allowShell: true, allowCode: false } },
    });
    expect(failing.done.error).toMatchObject({ code: 'SHELL_EXIT', message: 'the command exited with 4: nope' });
  });
});
