import { describe, expect, it } from 'vitest';
import { FILTER_NAMES, evaluate, parseExpression, renderTemplate, strict } from '../expr/index.js';
import { FILTER_TAINT_CASES, TAINT_SECRETS, recoverable } from '../testing/secret-cases.js';
import { scriptedHttp, testEngine } from '../testing/harness.js';

const scope = { input: {}, secrets: strict({ ...TAINT_SECRETS }, (key) => `no secret "${key}"`) };
const cases = Object.entries(FILTER_TAINT_CASES);

describe('values derived from secrets stay secret', () => {
  it('has a taint case for every filter of the registry', () => {
    expect(Object.keys(FILTER_TAINT_CASES).sort()).toEqual([...FILTER_NAMES].sort());
    for (const [name, expression] of cases) expect(expression, name).toMatch(new RegExp(`\\| ${name}\\b`));
  });

  for (const [name, expression] of cases) {
    it(`marks what the "${name}" filter derives from a secret`, () => {
      const heard: { value: unknown; names: readonly string[] }[] = [];
      const value = renderTemplate(`{{ ${expression} }}`, scope, 'field', (v, names) => heard.push({ value: v, names }));
      expect(value).toEqual(evaluate(parseExpression(expression), scope));
      expect(heard).toEqual([{ value, names: expect.arrayContaining([expect.stringMatching(/^[A-Z0-9]+$/)]) }]);
    });
  }

  it('marks interpolations, literals and conditionals built from a secret, with the whole text', () => {
    const heard: unknown[] = [];
    const taint = (value: unknown) => void heard.push(value);
    expect(renderTemplate('Bearer {{ secrets.TOKEN | base64 }} for {{ input.user }}', scope, '', taint)).toMatch(/^Bearer /);
    expect(heard).toEqual([Buffer.from(TAINT_SECRETS.TOKEN!).toString('base64'), `Bearer ${Buffer.from(TAINT_SECRETS.TOKEN!).toString('base64')} for `]);
    heard.length = 0;
    renderTemplate('{{ {a: [secrets.PIN + "!"]} }}', scope, '', taint);
    renderTemplate('{{ input.missing ? "no" : secrets["TOKEN"] | upper }}', scope, '', taint);
    expect(heard).toEqual([{ a: [`${TAINT_SECRETS.PIN}!`] }, TAINT_SECRETS.TOKEN!.toUpperCase()]);
  });

  it('masks every derived value in outputs, steps, loop items, called runs, errors and spans', async () => {
    const fields = Object.fromEntries(cases.map(([name, expression]) => [`f_${name}`, `{{ ${expression} }}`]));
    const main = {
      id: 'main',
      name: 'Main',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'derive', type: 'set', config: { fields: { ...fields, header: 'Bearer {{ secrets.TOKEN | base64 }}', short: 'x{{ secrets.TOKEN | slice(0, 2) }}yz' } } },
        { id: 'each', type: 'loop', config: { items: '{{ secrets.LIST | split(",") | map("length") | length > 0 ? (secrets.LIST | split(",")) : [] }}' } },
        { id: 'body', type: 'set', config: { fields: { item: '{{ loop.item }}' } } },
        { id: 'echo', type: 'http', config: { url: 'http://api.test/echo', headers: { 'x-key': '{{ secrets.TOKEN | base64 }}' } } },
        { id: 'call', type: 'workflow', config: { workflow: 'child', input: { token: '{{ secrets.TOKEN | upper }}' } } },
        { id: 'fails', type: 'http', onError: 'continue', config: { url: 'http://api.test/fail', headers: { 'x-key': '{{ secrets.TOKEN | urlencode | upper }}' } } },
      ],
      edges: [
        { source: 'start', target: 'derive' },
        { source: 'derive', target: 'each' },
        { source: 'each', sourceOutput: 'item', target: 'body' },
        { source: 'body', target: 'each' },
        { source: 'each', sourceOutput: 'done', target: 'echo' },
        { source: 'echo', target: 'call' },
        { source: 'call', target: 'fails' },
      ],
    };
    const child = { id: 'child', name: 'Child', nodes: [{ id: 'start', type: 'trigger' }, { id: 'got', type: 'set', config: { fields: { token: '{{ trigger.body.token }}' } } }], edges: [{ source: 'start', target: 'got' }] };
    const http = scriptedHttp((request) => {
      if (request.url.endsWith('/fail')) throw Object.assign(new Error(`refused key ${request.headers['x-key']}`), { code: 'ECONNRESET' });
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ youSent: request.headers['x-key'] }) };
    });
    const t = await testEngine([main, child], { http, secrets: { values: () => ({ ...TAINT_SECRETS }) } });
    const started = await t.engine.startRun({ project: 'demo', workflow: 'main', trigger: { type: 'manual', body: {} } });
    const run = await t.engine.waitForRun(started.id);
    expect(run.status).toBe('succeeded');

    // The nodes did get the real values.
    const base64 = Buffer.from(TAINT_SECRETS.TOKEN!).toString('base64');
    expect(http.calls[0]?.headers['x-key']).toBe(base64);
    const detail = await t.engine.getRun(run.id);
    const steps = detail?.steps ?? [];
    const derive = steps.find((s) => s.nodeId === 'derive')?.output as Record<string, unknown>;
    expect(derive.f_base64).toBe('[secret:TOKEN]');
    expect(derive.header).toBe('Bearer [secret:TOKEN]');
    expect(derive.f_number).toBe('[secret:PIN]');
    // A text whose secret parts are each too short to mask is masked whole.
    expect(derive.short).toBe('[secret:TOKEN]');
    expect(steps.find((s) => s.nodeId === 'echo')?.output).toMatchObject({ body: { youSent: '[secret:TOKEN]' } });
    expect(steps.find((s) => s.nodeId === 'fails')?.output).toMatchObject({ error: { message: expect.stringContaining('refused key [secret:TOKEN]') } });

    const children = (await t.engine.listRuns({ workflow: 'child', limit: 10 })).runs;
    const everything = JSON.stringify({ run, steps, children, childSteps: await Promise.all(children.map((c) => t.engine.getRun(c.id))), spans: t.spans });
    const forbidden = new Set<string>([...Object.values(TAINT_SECRETS), base64, `Bearer ${base64}`, TAINT_SECRETS.TOKEN!.toUpperCase()]);
    for (const [, expression] of cases) for (const text of recoverable(evaluate(parseExpression(expression), scope))) forbidden.add(text);
    for (const text of forbidden) expect(everything.includes(text), `"${text}" leaked`).toBe(false);
  });
});
