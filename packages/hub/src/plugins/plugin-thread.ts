import { parentPort, workerData } from 'node:worker_threads';
import { PLUGIN_NAME, type Finding, type PluginReply, type PluginRequest, type PluginSpan, type RuntimeHubPlugin, type SpanAnalyzer, type WidgetSpec } from './plugin-api.js';
import type { FromHost, ToHost } from './plugin-messages.js';

/**
 * One plugin's thread: imports the module, runs its setup, then serves the host's messages —
 * span batches to analyze and requests for its routes. Everything the plugin does happens here,
 * off the hub's event loop.
 */
const port = parentPort!;
const { url, settings } = workerData as { url: string; settings: Record<string, unknown> };
const send = (message: ToHost) => port.postMessage(message);

const analyzers: Array<{ fn: SpanAnalyzer; payloads: boolean }> = [];
const routes = new Map<string, (request: PluginRequest) => PluginReply | Promise<PluginReply>>();
const widgets: WidgetSpec[] = [];

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function setup(): Promise<void> {
  const module = (await import(url)) as { default?: RuntimeHubPlugin };
  const plugin = module.default;
  if (!plugin || typeof plugin !== 'object' || typeof plugin.setup !== 'function') throw new Error('the module has no default export with a setup(hub) function');
  if (typeof plugin.name !== 'string' || !PLUGIN_NAME.test(plugin.name)) throw new Error(`name ${JSON.stringify(plugin.name)} is not a lowercase slug ([a-z0-9][a-z0-9-]{0,63})`);
  await plugin.setup({
    settings: Object.freeze({ ...settings }),
    onSpans(fn, options) {
      analyzers.push({ fn, payloads: options?.payloads === true });
    },
    route(method, path, handler) {
      if (method !== 'GET' && method !== 'POST') throw new Error(`route ${path}: method must be GET or POST`);
      if (!/^\/[A-Za-z0-9._~-]+$/.test(path)) throw new Error(`route ${JSON.stringify(path)}: must be one path segment after a slash, e.g. /stats`);
      routes.set(`${method} ${path}`, handler);
    },
    widget(widget) {
      if (!routes.has(`GET ${widget.route}`)) throw new Error(`widget ${widget.id}: declare its GET route ${widget.route} before the widget`);
      widgets.push({ id: String(widget.id), title: String(widget.title), route: widget.route, ...(widget.description ? { description: String(widget.description) } : {}) });
    },
    log(message) {
      send({ type: 'log', message: String(message).slice(0, 2000) });
    },
  });
  send({
    type: 'ready',
    plugin: { name: plugin.name, version: plugin.version, description: plugin.description },
    routes: [...routes.keys()],
    widgets,
    wantsPayloads: analyzers.some((a) => a.payloads),
  });
}

async function analyze(id: number, spans: PluginSpan[]): Promise<void> {
  const findings: Finding[] = [];
  for (const analyzer of analyzers) {
    const found = await analyzer.fn(spans);
    if (Array.isArray(found)) findings.push(...found);
  }
  send({ type: 'done', id, findings });
}

async function answer(id: number, request: PluginRequest): Promise<void> {
  const handler = routes.get(`${request.method} ${request.path}`);
  if (!handler) {
    send({ type: 'reply', id, status: 404, body: { error: { code: 'PLUGIN_ROUTE_NOT_FOUND', message: `the plugin has no route ${request.method} ${request.path}` } } });
    return;
  }
  try {
    const reply = await handler(request);
    const shaped = reply !== null && typeof reply === 'object' && 'status' in reply && 'body' in reply && typeof (reply as { status: unknown }).status === 'number';
    send(shaped ? { type: 'reply', id, status: (reply as { status: number }).status, body: (reply as { body: unknown }).body } : { type: 'reply', id, status: 200, body: reply ?? null });
  } catch (error) {
    send({ type: 'reply', id, status: 502, body: { error: { code: 'PLUGIN_FAILED', message: `route ${request.method} ${request.path} threw ${describe(error)}` } } });
  }
}

port.on('message', (message: FromHost) => {
  if (message.type === 'spans') {
    analyze(message.id, message.spans).catch((error: unknown) => send({ type: 'failed', id: message.id, error: `its span analyzer threw ${describe(error)}` }));
  } else if (message.type === 'request') {
    void answer(message.id, message.request);
  }
});

setup().catch((error: unknown) => send({ type: 'setup-failed', error: `setup failed: ${describe(error)}` }));
