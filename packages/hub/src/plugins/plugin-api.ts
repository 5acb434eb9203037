/**
 * The plugin API of runtime-hub (docs/plugins.md). A plugin is an ES module whose default export
 * is a {@link RuntimeHubPlugin}. It runs in its own worker thread: it sees span batches after they
 * are stored, can put findings on spans, answer routes under `/api/v1/plugins/<name>/` and declare
 * dashboard widgets. It never runs on the hub's event loop, so a slow, throwing or hanging plugin
 * cannot slow ingest: the hub disables it and shows why.
 *
 *     import { definePlugin } from '@runtime-hub/hub/plugin';
 *     export default definePlugin({
 *       name: 'my-plugin',
 *       setup(hub) {
 *         hub.onSpans((spans) => spans.filter((s) => s.status === 'error').map((s) => ({ spanId: s.spanId, traceId: s.traceId, label: 'seen', text: s.name })));
 *       },
 *     });
 */

/** A span as plugins see it: its shape without payloads, unless the analyzer asked for them. */
export interface PluginSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: string;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  status: 'ok' | 'error' | 'unset';
  sessionId: string | null;
  error?: { type?: string; message?: string } | null;
  usage?: { model?: string; inputTokens?: number; outputTokens?: number; costUsd?: number };
  /** Only with `onSpans(fn, { payloads: true })`. */
  input?: unknown;
  output?: unknown;
  attributes?: Record<string, unknown>;
}

/** Something a plugin noticed about a span: stored as a note on it, shown wherever the span is. */
export interface Finding {
  spanId: string;
  traceId: string;
  /** Short, e.g. "N+1"; stored as the note's label `plugin:<name>: <label>`. */
  label: string;
  /** What and why, for a person. */
  text: string;
  /** Optional magnitude (e.g. how many times slower than usual). */
  score?: number;
}

export interface PluginRequest {
  method: 'GET' | 'POST';
  /** The path below `/api/v1/plugins/<name>`, e.g. `/stats`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** A reply: a JSON body, with a status (default 200). */
export type PluginReply = unknown | { status: number; body: unknown };

/**
 * A dashboard widget, declared, not coded: the dashboard fetches `route` (a GET route of the
 * plugin) and shows the JSON it answers as a table (an array of objects) or key/value pairs
 * (an object). Plugins never ship code to the browser; their data is rendered as text.
 */
export interface WidgetSpec {
  id: string;
  title: string;
  route: string;
  description?: string;
}

export type SpanAnalyzer = (spans: readonly PluginSpan[]) => Finding[] | void | Promise<Finding[] | void>;

/** What a plugin's `setup` receives. */
export interface PluginHub {
  /** The plugin's settings from the hub configuration (`{}` when none). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Called with each batch of stored spans, in order, one batch at a time; returns findings. */
  onSpans(analyzer: SpanAnalyzer, options?: { payloads?: boolean }): void;
  /** Answers `method /api/v1/plugins/<name><path>`; path is one segment after a slash, e.g. `/stats`. */
  route(method: 'GET' | 'POST', path: string, handler: (request: PluginRequest) => PluginReply | Promise<PluginReply>): void;
  widget(widget: WidgetSpec): void;
  log(message: string): void;
}

export interface RuntimeHubPlugin {
  /** Lowercase slug: `[a-z0-9][a-z0-9-]{0,63}`; its routes live under /api/v1/plugins/<name>/. */
  name: string;
  version?: string;
  description?: string;
  setup(hub: PluginHub): void | Promise<void>;
}

/** Identity, for types: `export default definePlugin({ … })`. */
export function definePlugin(plugin: RuntimeHubPlugin): RuntimeHubPlugin {
  return plugin;
}

export const PLUGIN_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
