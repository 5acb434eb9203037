/**
 * The equivalence project: workflows covering every node type, every expression filter, retries,
 * error outputs, time limits, waits, loops, merges, local and HTTP workflow calls, respond and
 * endpoint auth. The hub's engine and both exported apps run them on the same requests; the
 * answers must be equal (equivalence.test.ts). Definitions are shaped as the hub's API takes them.
 * `env.API` is the local test API (test-api.ts), `env.LLM` the local OpenAI-compatible server,
 * `env.SMTP_PORT` a local SMTP server (smtp-server).
 */

type Node = { id: string; type: string; config?: Record<string, unknown>; retry?: Record<string, unknown>; timeoutMs?: number; onError?: string; disabled?: boolean };

/** `a>b`, `a:true>b` (from output `true`). */
function edges(...specs: string[]): { source: string; sourceOutput?: string; target: string }[] {
  return specs.map((spec) => {
    const [from, target] = spec.split('>') as [string, string];
    const [source, output] = from.split(':') as [string, string | undefined];
    return output ? { source, sourceOutput: output, target } : { source, target };
  });
}

function chainEdges(ids: string[]): string[] {
  return ids.slice(1).map((id, i) => `${ids[i]}>${id}`);
}

function publicWorkflow(id: string, nodes: Node[], edgeSpecs?: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const all = [{ id: 'in', type: 'trigger' }, ...nodes];
  return {
    id,
    name: id.replace(/-/g, ' '),
    visibility: 'public',
    endpoint: { method: 'POST', path: `/${id}` },
    trigger: { type: 'webhook' },
    nodes: all.map((n) => ({ config: {}, ...n })),
    edges: edges(...(edgeSpecs ?? chainEdges(all.map((n) => n.id)))),
    ...extra,
  };
}

function internalWorkflow(id: string, nodes: Node[]): Record<string, unknown> {
  const all = [{ id: 'in', type: 'trigger' }, ...nodes];
  return { id, name: id, visibility: 'internal', trigger: { type: 'manual' }, nodes: all.map((n) => ({ config: {}, ...n })), edges: edges(...chainEdges(all.map((n) => n.id))) };
}

const set = (id: string, fields: Record<string, unknown>, extra: Partial<Node> = {}): Node => ({ id, type: 'set', config: { fields }, ...extra });
const transform = (id: string, value: unknown): Node => ({ id, type: 'transform', config: { value } });
const http = (id: string, config: Record<string, unknown>, extra: Partial<Node> = {}): Node => ({ id, type: 'http', config, ...extra });

export const EQUIVALENCE_WORKFLOWS: Record<string, unknown>[] = [
  publicWorkflow('greet', [set('hello', { message: '{{ env.GREETING }}, {{ trigger.body.name }}!', shout: '{{ trigger.body.name | upper }}' })]),
  publicWorkflow('text-filters', [
    transform('t', {
      upper: '{{ trigger.body.s | upper }}', lower: '{{ trigger.body.s | lower }}', cap: '{{ "hello there" | capitalize }}', trim: '{{ trigger.body.pad | trim }}',
      len: '{{ trigger.body.s | length }}', dflt: '{{ trigger.body.none | default("fallback") }}', json: '{{ trigger.body.obj | json }}', pretty: '{{ trigger.body.obj | json(2) }}',
      parsed: '{{ "{\\"k\\":[1,2.5]}" | parse_json }}', str: '{{ trigger.body.n | string }}', num: '{{ "42.50" | number }}', bool: '{{ "off" | boolean }}',
      trunc: '{{ trigger.body.s | truncate(4) }}', repl: '{{ trigger.body.s | replace("l", "L") }}', inc: '{{ trigger.body.s | includes("ell") }}',
      split: '{{ "a,b,c" | split(",") }}', joined: '{{ trigger.body.list | join("-") }}', b64: '{{ trigger.body.s | base64 }}', unb64: '{{ "aMOpbGxv" | unbase64 }}',
      url: '{{ "a b&c=d/é" | urlencode }}', first: '{{ trigger.body.s | first }}', last: '{{ trigger.body.list | last }}', slice: '{{ trigger.body.s | slice(1, 3) }}',
      rev: '{{ trigger.body.s | reverse }}', interp: 'n={{ trigger.body.n }}, f={{ 7 / 2 }}, list={{ trigger.body.list }}, none=[{{ trigger.body.none }}]',
    }),
  ]),
  publicWorkflow('list-filters', [
    transform('t', {
      prices: '{{ trigger.body.items | map("price") }}', total: '{{ trigger.body.items | map("price") | sum }}', cheap: '{{ trigger.body.items | where("price", 1) | map("name") }}',
      tagged: '{{ trigger.body.items | where("tag") | length }}', min: '{{ trigger.body.nums | min }}', max: '{{ trigger.body.nums | max }}', unique: '{{ trigger.body.nums | unique }}',
      sorted: '{{ trigger.body.nums | sort }}', byPrice: '{{ trigger.body.items | sort("price") | map("name") }}', reversed: '{{ trigger.body.nums | reverse }}',
      flat: '{{ [[1, 2], [3, [4]]] | flatten }}', pick: '{{ trigger.body.obj | pick("a") }}', omit: '{{ trigger.body.obj | omit("a") }}', keys: '{{ trigger.body.obj | keys }}',
      values: '{{ trigger.body.obj | values }}', entries: '{{ trigger.body.obj | entries }}', round: '{{ 3.14159 | round(2) }}', floor: '{{ 2.7 | floor }}', ceil: '{{ 2.1 | ceil }}',
      abs: '{{ -4 | abs }}', iso: '{{ 1709634030400 | iso }}', epoch: '{{ "2024-03-05T10:20:30.400Z" | epoch }}', firstItem: '{{ trigger.body.items | first }}',
    }),
  ]),
  publicWorkflow('operators', [
    transform('t', {
      arith: '{{ (1 + 2) * 3 - 10 / 4 }}', mod: '{{ -7 % 3 }}', cmp: '{{ trigger.body.n > 2 && trigger.body.n <= 3 }}', or: '{{ trigger.body.none || "or" }}',
      coalesce: '{{ trigger.body.zero ?? 5 }}', ternary: '{{ trigger.body.n == 3 ? "three" : "other" }}', not: '{{ !trigger.body.list }}', concat: '{{ "a" + 1 + trigger.body.n }}',
      arrays: '{{ [1, "two"] + [3] }}', obj: '{{ {a: trigger.body.n, "b c": [true, null]} }}', eq: '{{ trigger.body.list == [1, 2] }}', neg: '{{ -trigger.body.n }}',
      env: '{{ env.GREETING | lower }}', workflow: '{{ workflow.id }}', project: '{{ project.id }}', hasSecret: '{{ secrets.API_TOKEN | length > 3 }}',
    }),
  ]),
  publicWorkflow('branch-if', [{ id: 'check', type: 'condition', config: { condition: '{{ trigger.body.n >= 10 }}' } }, set('big', { size: 'big', n: '{{ input.body.n }}' }), set('small', { size: 'small' })], [
    'in>check', 'check:true>big', 'check:false>small',
  ]),
  publicWorkflow('branch-switch', [
    { id: 'route', type: 'condition', config: { mode: 'switch', value: '{{ trigger.body.plan }}', cases: ['free', 'pro'] } },
    set('free', { tier: 0 }), set('pro', { tier: 1 }), set('other', { tier: -1 }),
    { id: 'join', type: 'merge', config: { mode: 'first' } },
  ], ['in>route', 'route:free>free', 'route:pro>pro', 'route:default>other', 'free>join', 'pro>join', 'other>join']),
  publicWorkflow('merges', [
    set('a', { a: 1, shared: 'a' }), set('b', { b: 2, shared: 'b' }), set('c', { c: 3 }),
    { id: 'byNode', type: 'merge', config: { mode: 'object' } }, { id: 'asArray', type: 'merge', config: { mode: 'array' } }, { id: 'merged', type: 'merge', config: { mode: 'merge' } },
    { id: 'skipper', type: 'condition', config: { condition: '{{ false }}' } }, set('never', { never: true }), { id: 'withSkip', type: 'merge', config: { mode: 'array' } },
    transform('out', { byNode: '{{ nodes.byNode.output }}', asArray: '{{ nodes.asArray.output }}', merged: '{{ nodes.merged.output }}', withSkip: '{{ nodes.withSkip.output }}' }),
  ], ['in>a', 'in>b', 'in>c', 'a>byNode', 'b>byNode', 'a>asArray', 'b>asArray', 'c>asArray', 'a>merged', 'b>merged', 'c>merged', 'in>skipper', 'skipper:true>never', 'never>withSkip', 'c>withSkip',
    'byNode>out', 'asArray>out', 'merged>out', 'withSkip>out'], { settings: { outputNode: 'out' } }),
  publicWorkflow('loop', [
    { id: 'each', type: 'loop', config: { items: '{{ trigger.body.items }}' } },
    set('double', { value: '{{ loop.item * 2 }}', index: '{{ loop.index }}', total: '{{ loop.total }}' }),
    transform('sum', { results: '{{ input }}', sum: '{{ input | map("value") | sum }}' }),
  ], ['in>each', 'each:item>double', 'double>each', 'each:done>sum']),
  publicWorkflow('nested-loop', [
    { id: 'rows', type: 'loop', config: { items: '{{ trigger.body.rows }}' } },
    { id: 'cells', type: 'loop', config: { items: '{{ loop.item }}' } },
    transform('cell', '{{ loop.item + 100 }}'),
    transform('row', '{{ input | sum }}'),
    transform('done', { rowSums: '{{ input }}', empty: '{{ [] | length }}' }),
  ], ['in>rows', 'rows:item>cells', 'cells:item>cell', 'cell>cells', 'cells:done>row', 'row>rows', 'rows:done>done']),
  publicWorkflow('empty-loop', [{ id: 'each', type: 'loop', config: { items: '{{ [] }}' } }, set('body', { x: 1 }), transform('done', { done: '{{ input }}' })], [
    'in>each', 'each:item>body', 'body>each', 'each:done>done',
  ]),
  publicWorkflow('wait', [{ id: 'pause', type: 'wait', config: { duration: '250ms' } }, set('after', { waited: true, body: '{{ input.body }}' })]),
  publicWorkflow('http-get', [http('get', { url: '{{ env.API }}/echo', query: { q: '{{ trigger.body.q }}', n: 2 }, headers: { 'X-Test': 'yes' } }), transform('out', { status: '{{ input.status }}', body: '{{ input.body }}' })]),
  publicWorkflow('http-bodies', [
    http('json', { method: 'POST', url: '{{ env.API }}/echo', body: { name: '{{ trigger.body.name }}', list: [1, 2] } }),
    http('form', { method: 'PUT', url: '{{ env.API }}/echo', bodyType: 'form', body: { a: '1', b: '{{ trigger.body.name }}' } }),
    http('text', { method: 'POST', url: '{{ env.API }}/echo', bodyType: 'text', body: 'raw {{ trigger.body.name }}' }),
    http('plain', { url: '{{ env.API }}/text' }),
    transform('out', { json: '{{ nodes.json.output.body }}', form: '{{ nodes.form.output.body }}', text: '{{ nodes.text.output.body }}', plain: '{{ nodes.plain.output.body }}' }),
  ]),
  publicWorkflow('error-output', [http('missing', { url: '{{ env.API }}/status/404' }, { onError: 'output' }), set('ok', { ok: true }), set('handled', { code: '{{ input.error.code }}', status: '{{ input.error.status }}', message: '{{ input.error.message }}', body: '{{ input.error.details.body }}' })], [
    'in>missing', 'missing>ok', 'missing:error>handled',
  ]),
  publicWorkflow('error-continue', [http('missing', { url: '{{ env.API }}/status/500' }, { onError: 'continue' }), set('after', { code: '{{ input.error.code }}', retryable: '{{ input.error.retryable }}', node: '{{ input.error.nodeId }}' })]),
  publicWorkflow('retries', [
    http('flaky', { url: '{{ env.API }}/flaky/{{ trigger.body.key }}?fails=2' }, { retry: { maxRetries: 3, initialBackoffMs: 40, multiplier: 2, jitter: 0.5 } }),
    transform('out', '{{ input.body }}'),
  ]),
  publicWorkflow('retries-exhausted', [http('flaky', { url: '{{ env.API }}/flaky/{{ trigger.body.key }}?fails=5' }, { retry: { maxRetries: 1, initialBackoffMs: 20 } })]),
  publicWorkflow('node-timeout', [http('slow', { url: '{{ env.API }}/slow?ms=3000', timeoutMs: 10000 }, { timeoutMs: 300, onError: 'output' }), set('fine', { fine: true }), set('late', { code: '{{ input.error.code }}', message: '{{ input.error.message }}' })], [
    'in>slow', 'slow>fine', 'slow:error>late',
  ]),
  publicWorkflow('expression-error', [set('bad', { value: '{{ trigger.body.items | upper }}' })]),
  publicWorkflow('local-call', [
    { id: 'call', type: 'workflow', config: { mode: 'local', workflow: 'double', input: { n: '{{ trigger.body.n }}' } } },
    { id: 'failing', type: 'workflow', config: { mode: 'local', workflow: 'boom', input: {} }, onError: 'continue' },
    transform('out', { doubled: '{{ nodes.call.output }}', failure: '{{ input.error.code }}', cause: '{{ input.error.details.error.code }}' }),
  ]),
  publicWorkflow('http-call', [{ id: 'remote', type: 'workflow', config: { mode: 'http', url: '{{ env.API }}/echo', input: { from: 'http-call', n: '{{ trigger.body.n }}' } } }, transform('out', { remote: '{{ input }}' })]),
  publicWorkflow('respond', [
    { id: 'answer', type: 'respond', config: { status: 201, headers: { 'X-Made-By': 'workflow' }, body: { created: '{{ trigger.body.name }}' } } },
    set('after', { still: 'running' }),
  ]),
  publicWorkflow('respond-text', [{ id: 'answer', type: 'respond', config: { status: 200, headers: { 'content-type': 'text/csv' }, body: 'a,b\n{{ trigger.body.n }},2' } }]),
  publicWorkflow('notify', [{ id: 'ping', type: 'notification', config: { url: '{{ env.API }}/hook', title: 'Build', text: 'done {{ trigger.body.n }}', channel: '#ci' } }]),
  publicWorkflow('shell', [{ id: 'sh', type: 'shell', config: { command: 'printf "%s-%s" "$WHO" "$GREETING"', env: { WHO: '{{ trigger.body.name }}' } } }, transform('out', { stdout: '{{ input.stdout }}', exit: '{{ input.exitCode }}' })]),
  publicWorkflow('llm', [{ id: 'ask', type: 'llm', config: { baseUrl: '{{ env.LLM }}', apiKey: 'test-key', model: 'test-model', system: 'be brief', prompt: 'say {{ trigger.body.word }}' } }, transform('out', { text: '{{ input.text }}', usage: '{{ input.usage }}', finish: '{{ input.finishReason }}' })]),
  publicWorkflow('email', [
    { id: 'mail', type: 'email', config: { host: '127.0.0.1', port: '{{ env.SMTP_PORT }}', tls: 'none', from: '"Shop" <shop@example.com>', to: '{{ trigger.body.to }}', cc: 'audit@example.com', subject: 'Order {{ trigger.body.n }}', text: 'Thanks, {{ trigger.body.name }}', headers: { 'X-Order': '{{ trigger.body.n }}' } } },
    transform('out', { accepted: '{{ input.accepted }}', rejected: '{{ input.rejected }}', response: '{{ input.response }}', hasId: '{{ input.messageId | length > 5 }}' }),
  ]),
  publicWorkflow('disabled', [set('skipme', { replaced: true }, { disabled: true }), transform('out', { passed: '{{ input.body }}' })]),
  {
    ...publicWorkflow('params', [transform('out', { id: '{{ trigger.params.id }}', q: '{{ trigger.query.q }}', method: '{{ trigger.method }}', body: '{{ trigger.body }}' })]),
    endpoint: { method: 'GET', path: '/items/:id' },
  },
  { ...publicWorkflow('guarded', [set('ok', { ok: true })]), endpoint: { method: 'POST', path: '/guarded', auth: { secret: 'API_TOKEN', header: 'x-api-key' } } },
  internalWorkflow('double', [transform('twice', '{{ trigger.body.n * 2 }}')]),
  internalWorkflow('boom', [set('bad', { value: '{{ secrets.MISSING }}' })]),
];

/** One request per case; `key` makes the flaky endpoint count attempts per runner. */
export interface EquivalenceCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export const EQUIVALENCE_CASES: EquivalenceCase[] = [
  { name: 'greet', method: 'POST', path: '/greet', body: { name: 'Ada' } },
  { name: 'text filters', method: 'POST', path: '/text-filters', body: { s: 'Hello', pad: '  x  ', n: 2.5, obj: { b: 2, a: 1 }, list: [1, 'two', 3] } },
  { name: 'list filters', method: 'POST', path: '/list-filters', body: { items: [{ name: 'a', price: 2 }, { name: 'b', price: 1, tag: 'x' }, { name: 'c', price: 1 }], nums: [3, 1, 2, 1], obj: { a: 1, b: { c: 2 } } } },
  { name: 'operators', method: 'POST', path: '/operators', body: { n: 3, zero: 0, list: [1, 2] } },
  { name: 'if: true branch', method: 'POST', path: '/branch-if', body: { n: 12 } },
  { name: 'if: false branch', method: 'POST', path: '/branch-if', body: { n: 2 } },
  { name: 'switch: case', method: 'POST', path: '/branch-switch', body: { plan: 'pro' } },
  { name: 'switch: default', method: 'POST', path: '/branch-switch', body: { plan: 'enterprise' } },
  { name: 'merges', method: 'POST', path: '/merges', body: {} },
  { name: 'loop', method: 'POST', path: '/loop', body: { items: [1, 2, 3.5] } },
  { name: 'nested loop', method: 'POST', path: '/nested-loop', body: { rows: [[1, 2], [3], []] } },
  { name: 'empty loop', method: 'POST', path: '/empty-loop', body: {} },
  { name: 'wait', method: 'POST', path: '/wait', body: { w: 1 } },
  { name: 'http GET with query and headers', method: 'POST', path: '/http-get', body: { q: 'a b' } },
  { name: 'http bodies: json, form, text', method: 'POST', path: '/http-bodies', body: { name: 'Zoë' } },
  { name: 'error output', method: 'POST', path: '/error-output', body: {} },
  { name: 'error continue', method: 'POST', path: '/error-continue', body: {} },
  { name: 'retries with backoff', method: 'POST', path: '/retries', body: { key: 'KEY' } },
  { name: 'retries exhausted', method: 'POST', path: '/retries-exhausted', body: { key: 'KEY' } },
  { name: 'node time limit', method: 'POST', path: '/node-timeout', body: {} },
  { name: 'expression error', method: 'POST', path: '/expression-error', body: { items: [1] } },
  { name: 'local workflow call', method: 'POST', path: '/local-call', body: { n: 21 } },
  { name: 'HTTP workflow call', method: 'POST', path: '/http-call', body: { n: 1 } },
  { name: 'respond', method: 'POST', path: '/respond', body: { name: 'thing' } },
  { name: 'respond text', method: 'POST', path: '/respond-text', body: { n: 7 } },
  { name: 'notification', method: 'POST', path: '/notify', body: { n: 3 } },
  { name: 'shell', method: 'POST', path: '/shell', body: { name: 'Ada' } },
  { name: 'llm', method: 'POST', path: '/llm', body: { word: 'cheese' } },
  { name: 'email', method: 'POST', path: '/email', body: { to: 'Ada <ada@example.com>, bob@example.com', n: 42, name: 'Ada' } },
  { name: 'disabled node', method: 'POST', path: '/disabled', body: { keep: 1 } },
  { name: 'path params and query', method: 'GET', path: '/items/42?q=x' },
  { name: 'endpoint auth refused', method: 'POST', path: '/guarded', body: {} },
  { name: 'endpoint auth accepted', method: 'POST', path: '/guarded', body: {}, headers: { 'x-api-key': 'tok-12345' } },
  { name: 'internal workflow unreachable', method: 'POST', path: '/double', body: { n: 1 } },
  { name: 'unknown path', method: 'POST', path: '/nope', body: {} },
];
