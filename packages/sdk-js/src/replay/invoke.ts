import type * as http from 'node:http';
import { builtin } from '../builtin.js';
import { getClient, type Client } from '../client.js';
import { span } from '../scope.js';

type AnyFunction = (...args: unknown[]) => unknown;

interface Invocation {
  id: string;
  function: string;
  args: unknown;
  originalSpanId: string;
  originalTraceId: string;
  requestedBy?: { address?: string; userAgent?: string; origin?: string };
}

interface Registry {
  functions: Map<string, AnyFunction>;
  channel: Channel | undefined;
}

// One registry per process, shared by the ESM and CommonJS builds.
const KEY = Symbol.for('@runtime-hub/sdk.invocable');
const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
const registry = (holder[KEY] ??= { functions: new Map(), channel: undefined });

const POLL_WAIT_MS = 25_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** `track(fn, { invocable: true })`: the tracked wrapper is what an invocation calls, so the call is recorded like any other. */
export function registerInvocable(name: string, fn: AnyFunction): void {
  registry.functions.set(name, fn);
  syncChannel();
}

/** Opens the channel when the configuration says `invocable` (and closes it when not); one per process. */
export function syncChannel(): void {
  const client = getClient();
  if (!client.enabled || !client.config.invocable) {
    registry.channel?.stop();
    registry.channel = undefined;
    return;
  }
  if (registry.channel?.client === client) return;
  registry.channel?.stop();
  registry.channel = new Channel(client);
  void registry.channel.run();
}

/**
 * The re-invoke channel (docs/replay.md), the twin of the Python SDK's: long polls to the hub (the
 * app opens no port), each invocation run through the tracked function under an `invoke <name>`
 * span that links to the recorded call and says who asked, the result posted back. Its sockets and
 * timers are unref'd: an app with nothing else to do still exits.
 */
class Channel {
  private stopped = false;
  private warned = false;
  private readonly instanceId = Math.random().toString(16).slice(2) + Date.now().toString(16);

  constructor(readonly client: Client) {}

  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    let backoff = 1000;
    while (!this.stopped) {
      const names = [...registry.functions.keys()];
      if (names.length === 0) {
        await sleep(1000);
        continue;
      }
      const asked = Date.now();
      let reply: { status: number; body: unknown };
      try {
        reply = await this.post('/api/v1/invoke/poll', { service: this.client.config.service, instanceId: this.instanceId, functions: names, waitMs: POLL_WAIT_MS }, POLL_WAIT_MS + 10_000);
      } catch {
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      backoff = 1000;
      const invocation = (reply.body as { invocation?: Invocation } | null)?.invocation;
      if (reply.status === 200 && invocation) await this.invoke(invocation);
      else if (reply.status === 403) {
        if (!this.warned) process.stderr.write('runtime-hub: re-invoking is off: the hub refused the channel (exposed without a token?)\n');
        this.warned = true;
        await sleep(30_000);
      } else if (reply.status !== 204) await sleep(5000);
      else if (Date.now() - asked < 1000) await sleep(1000); // a hub that does not hold polls: never spin
    }
  }

  private async invoke(invocation: Invocation): Promise<void> {
    const fn = registry.functions.get(invocation.function);
    const requested = invocation.requestedBy ?? {};
    const attributes: Record<string, unknown> = {
      'runtime_hub.invoke.id': invocation.id,
      'runtime_hub.invoke.of': invocation.originalSpanId,
      'runtime_hub.invoke.of_trace': invocation.originalTraceId,
      'runtime_hub.invoke.requested_by': requested.address ?? '',
    };
    if (requested.userAgent) attributes['runtime_hub.invoke.requested_by_useragent'] = requested.userAgent;
    if (requested.origin) attributes['runtime_hub.invoke.requested_by_origin'] = requested.origin;
    const result: Record<string, unknown> = { status: 'ok' };
    await span(`invoke ${invocation.function}`, { kind: 'internal', attributes, input: invocation.args }, async (s) => {
      result.traceId = s.traceId;
      result.spanId = s.spanId;
      try {
        if (!fn) throw new Error(`${invocation.function} is not invocable in this process`);
        const value = await fn(...(Array.isArray(invocation.args) ? (invocation.args as unknown[]) : [invocation.args]));
        result.output = JSON.parse(JSON.stringify(value ?? null)) as unknown;
        return value;
      } catch (error) {
        s.recordError(error);
        result.status = 'error';
        result.error = { type: (error as Error)?.name ?? typeof error, message: String((error as Error)?.message ?? error).slice(0, 10_000) };
        return undefined;
      }
    });
    try {
      await this.post(`/api/v1/invoke/${invocation.id}/result`, result, 10_000);
    } catch {
      // the dashboard sees the invocation expire; the span holds the result
    }
  }

  private post(path: string, body: unknown, timeoutMs: number): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, `${this.client.config.url}/`);
    const transport = builtin<typeof http>(url.protocol === 'https:' ? 'node:https' : 'node:http');
    const data = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) };
    if (this.client.config.token) headers.authorization = `Bearer ${this.client.config.token}`;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method: 'POST', headers, timeout: timeoutMs }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null });
          } catch (error) {
            reject(error as Error);
          }
        });
      });
      request.on('socket', (socket) => socket.unref());
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', reject);
      request.end(data);
    });
  }
}
