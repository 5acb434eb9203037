import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../testing/hub-process.js';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

type ToolReply = { isError?: boolean; content: Array<{ type: string; text: string }> };

function textOf(reply: unknown): string {
  const { content } = reply as ToolReply;
  return content.map((c) => c.text).join('');
}

async function httpClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  return client;
}

const GREET = {
  id: 'greet',
  name: 'Greet',
  trigger: { type: 'manual' },
  nodes: [
    { id: 'start', type: 'trigger', name: 'Start' },
    { id: 'hello', type: 'set', name: 'Say hello', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } } },
  ],
  edges: [{ source: 'start', target: 'hello' }],
};

describe('MCP server (official SDK client against a real hub)', () => {
  let hub: TestHub;
  const traceId = hexId(32);
  const rootId = hexId(16);
  const failingId = hexId(16);
  const longText = 'x'.repeat(50_000);

  beforeAll(async () => {
    hub = await startTestHub();
    const now = Date.now();
    const response = await postSpans(hub.url, [
      spanRecord({ traceId, spanId: rootId, name: 'checkout', service: 'shop', startTime: now - 100, endTime: now, input: { note: 'zebracorn order' } }),
      spanRecord({
        traceId,
        spanId: failingId,
        parentSpanId: rootId,
        name: 'charge_card',
        service: 'shop',
        startTime: now - 80,
        endTime: now - 20,
        status: 'error',
        error: { type: 'CardDeclined', message: 'card declined for order 42', stack: 'Traceback (most recent call last):\n  File "shop/pay.py", line 12, in charge_card\nCardDeclined: card declined' },
        output: longText,
      }),
    ]);
    expect(response.status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/v1/projects', { id: 'demo', name: 'Demo' }],
      ['POST', '/api/v1/projects/demo/workflows', GREET],
    ] as const) {
      const reply = await fetch(hub.url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(reply.status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => hub?.close());

  it('lists read-only tools, and no tool that starts runs unless the hub allows it', async () => {
    const client = await httpClient(hub.url);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['search_spans', 'list_traces', 'get_trace', 'get_span', 'list_errors', 'list_sessions', 'list_agent_runs', 'list_services', 'list_workflows', 'list_workflow_runs']));
    expect(names).not.toContain('start_workflow_run');
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    await client.close();
  });

  it('finds a span by a word of its input, opens its trace and the failing call', async () => {
    const client = await httpClient(hub.url);
    const found = JSON.parse(textOf(await client.callTool({ name: 'search_spans', arguments: { q: 'zebracorn' } }))) as { spans: Array<{ spanId: string }> };
    expect(found.spans.map((s) => s.spanId)).toEqual([rootId]);

    const trace = JSON.parse(textOf(await client.callTool({ name: 'get_trace', arguments: { traceId } }))) as { spanCount: number; spans: Array<{ spanId: string; parentSpanId: string | null; name: string; status: string }> };
    expect(trace.spanCount).toBe(2);
    expect(trace.spans.find((s) => s.spanId === failingId)).toMatchObject({ parentSpanId: rootId, name: 'charge_card', status: 'error' });

    const span = textOf(await client.callTool({ name: 'get_span', arguments: { spanId: failingId } }));
    expect(span).toContain('card declined for order 42');
    // The 50,000-character output is cut, saying so, instead of filling the model's context.
    expect(span.length).toBeLessThan(20_000);
    expect(span).toContain('more characters');

    const errors = textOf(await client.callTool({ name: 'list_errors', arguments: {} }));
    expect(errors).toContain('CardDeclined');
    await client.close();
  });

  it("answers a hub error as a tool error with the hub's code, and bad arguments as an error naming the field", async () => {
    const client = await httpClient(hub.url);
    const missing = (await client.callTool({ name: 'get_span', arguments: { spanId: 'ffffffffffffffff' } })) as ToolReply;
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^SPAN_NOT_FOUND: /);
    const bad = (await client.callTool({ name: 'list_traces', arguments: { limit: 'many' } })) as ToolReply;
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('limit');
    await client.close();
  });

  it('refuses GET (stateless server) and a cross-site browser origin', async () => {
    expect((await fetch(`${hub.url}/mcp`)).status).toBe(405);
    const reply = await fetch(`${hub.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', origin: 'https://evil.example' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(reply.status).toBe(403);
  });

  it('over stdio (runtime-hub mcp), starts a workflow run only with --allow-workflow-runs', async () => {
    const spawnClient = async (extra: string[]) => {
      const client = new Client({ name: 'mcp-test', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI_PATH, 'mcp', '--url', hub.url, ...extra], stderr: 'pipe' }));
      return client;
    };
    const readOnly = await spawnClient([]);
    expect((await readOnly.listTools()).tools.map((t) => t.name)).not.toContain('start_workflow_run');
    const services = textOf(await readOnly.callTool({ name: 'list_services', arguments: {} }));
    expect(services).toContain('"shop"');
    await readOnly.close();

    const writer = await spawnClient(['--allow-workflow-runs']);
    const run = JSON.parse(textOf(await writer.callTool({ name: 'start_workflow_run', arguments: { project: 'demo', workflow: 'greet', input: { name: 'Ada' } } }))) as { status: string; output: unknown };
    expect(run.status).toBe('succeeded');
    expect(JSON.stringify(run.output)).toContain('Hello, Ada!');
    await writer.close();
  }, 60_000);
});

describe('MCP server on a hub with a token', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ token: 'mcp-secret-token' });
  });
  afterAll(async () => hub?.close());

  it('needs the token, and with it answers', async () => {
    await expect(httpClient(hub.url)).rejects.toThrow();
    const client = await httpClient(hub.url, { authorization: 'Bearer mcp-secret-token' });
    const reply = (await client.callTool({ name: 'list_services', arguments: {} })) as ToolReply;
    expect(reply.isError).toBeFalsy();
    expect(JSON.parse(textOf(reply))).toHaveProperty('services');
    await client.close();
  });

  it('the stdio server passes its token to the hub', async () => {
    const withToken = new Client({ name: 'mcp-test', version: '1.0.0' });
    await withToken.connect(new StdioClientTransport({ command: process.execPath, args: [CLI_PATH, 'mcp', '--url', hub.url], env: { ...process.env, RUNTIME_HUB_TOKEN: 'mcp-secret-token' } as Record<string, string>, stderr: 'pipe' }));
    expect((await withToken.callTool({ name: 'list_services', arguments: {} }) as ToolReply).isError).toBeFalsy();
    await withToken.close();

    const without = new Client({ name: 'mcp-test', version: '1.0.0' });
    await without.connect(new StdioClientTransport({ command: process.execPath, args: [CLI_PATH, 'mcp', '--url', hub.url], env: { PATH: process.env.PATH ?? '' }, stderr: 'pipe' }));
    const denied = (await without.callTool({ name: 'list_services', arguments: {} })) as ToolReply;
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toContain('UNAUTHORIZED');
    await without.close();
  }, 60_000);
});

describe('MCP server on a hub started with --mcp-workflows', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ mcpWorkflowRuns: true });
  });
  afterAll(async () => hub?.close());

  it('offers start_workflow_run, marked as not read-only', async () => {
    const client = await httpClient(hub.url);
    const tool = (await client.listTools()).tools.find((t) => t.name === 'start_workflow_run');
    expect(tool?.annotations?.readOnlyHint).toBe(false);
    const reply = (await client.callTool({ name: 'start_workflow_run', arguments: { project: 'nope', workflow: 'nope' } })) as ToolReply;
    expect(reply.isError).toBe(true);
    expect(textOf(reply)).toMatch(/^PROJECT_NOT_FOUND: /);
    await client.close();
  });
});
