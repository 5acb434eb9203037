import type { Finding, PluginRequest, PluginSpan, WidgetSpec } from './plugin-api.js';

/** Messages from the hub to a plugin's thread. */
export type FromHost =
  | { type: 'spans'; id: number; spans: PluginSpan[] }
  | { type: 'request'; id: number; request: PluginRequest };

/** Messages from a plugin's thread to the hub. */
export type ToHost =
  | { type: 'ready'; plugin: { name: string; version?: string; description?: string }; routes: string[]; widgets: WidgetSpec[]; wantsPayloads: boolean }
  | { type: 'setup-failed'; error: string }
  | { type: 'done'; id: number; findings: Finding[] }
  | { type: 'failed'; id: number; error: string }
  | { type: 'reply'; id: number; status: number; body: unknown }
  | { type: 'log'; message: string };
