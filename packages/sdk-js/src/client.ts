import { effectiveCompression, resolveConfig, type Config, type Options } from './config.js';
import { DROPPED, NOT_SAMPLED, type ContextValue } from './context.js';
import { Exporter } from './exporter.js';
import { Heartbeat } from './heartbeat.js';
import { newInstanceId } from './ids.js';
import { installExitHooks } from './lifecycle.js';
import { setDebug } from './log.js';
import { Redactor } from './redact.js';
import type { RateLimiter } from './sampling.js';
import { Serializer } from './serialize.js';
import { SpanState } from './span.js';
import { nowMs } from './clock.js';
import { HttpTransport } from './transport/http.js';
import type { Transport } from './transport/transport.js';
import { SDK_NAME, SDK_VERSION } from './version.js';
import type { SpanKind } from './wire.js';

/** One configuration of the SDK: settings, the serializer and the background sender. */
export class Client {
  readonly enabled: boolean;
  readonly redactor: Redactor;
  readonly serializer: Serializer;
  readonly exporter: Exporter;
  readonly heartbeat: Heartbeat;
  readonly transport: Transport;
  private readonly sampleRate: number;

  constructor(readonly config: Config) {
    this.enabled = config.enabled;
    this.sampleRate = config.sampleRate;
    this.redactor = new Redactor(config.redact, config.redactDefaults);
    this.serializer = new Serializer(config, this.redactor);
    this.transport =
      config.transport ??
      new HttpTransport({
        url: config.url,
        token: config.token,
        timeoutMs: config.requestTimeoutMs,
        compression: effectiveCompression(config),
        userAgent: `${SDK_NAME}/${SDK_VERSION} node/${process.versions.node}`,
      });
    this.exporter = new Exporter(config, this.transport);
    this.heartbeat = new Heartbeat(config, this.transport, this.exporter, newInstanceId());
    this.exporter.onDelivered = () => void this.heartbeat.beatIfStale();
  }

  /** Flushes, then makes sure the hub has this process's final drop counts. */
  async flush(timeoutMs: number): Promise<boolean> {
    const delivered = await this.exporter.flush(timeoutMs);
    if (delivered && this.enabled) await this.heartbeat.beatIfStale();
    return delivered;
  }

  /** Decides at a trace's root whether the trace is recorded. */
  sampled(): boolean {
    return this.sampleRate >= 1 || (this.sampleRate > 0 && Math.random() < this.sampleRate);
  }

  /**
   * Whether a new span under `parent` is recorded: undefined if so, else the marker its call runs
   * under. Whole subtrees go together: under a trace left out (sampling, rate limit) nothing is
   * recorded; when the buffer is full the new span is dropped and counted, and so is every span
   * under it, so a stored span never misses its parent and a sent start never misses its end.
   */
  admit(parent: ContextValue | undefined, limiter: RateLimiter | undefined): typeof NOT_SAMPLED | typeof DROPPED | undefined {
    if (parent === NOT_SAMPLED) return NOT_SAMPLED;
    if (parent === DROPPED || this.exporter.isFull()) {
      this.exporter.drop('queue_full');
      return DROPPED;
    }
    if (parent === undefined && !this.sampled()) return NOT_SAMPLED;
    if (limiter !== undefined && !limiter.take()) return NOT_SAMPLED;
    return undefined;
  }

  startSpan(name: string, kind: SpanKind, parent: SpanState | undefined, sessionId: string | undefined): SpanState {
    return new SpanState(this, parent, name, kind, sessionId ?? parent?.sessionId ?? null, nowMs());
  }

  async shutdown(timeoutMs: number): Promise<boolean> {
    this.heartbeat.stop();
    const delivered = await this.flush(timeoutMs);
    this.exporter.close();
    this.transport.close?.();
    return delivered;
  }
}

interface GlobalState {
  client: Client | undefined;
}

// Shared by the ESM and CommonJS builds when both are loaded in one process.
const KEY = Symbol.for('@runtime-hub/sdk.client');
const holder = globalThis as unknown as Record<symbol, GlobalState | undefined>;
const state: GlobalState = (holder[KEY] ??= { client: undefined });

/** The active client; the first use without configure() configures from the environment. */
export function getClient(): Client {
  return state.client ?? configure({});
}

/**
 * Configures the SDK. Call it once at startup; calling it again replaces the configuration (the
 * previous one delivers what it still holds in the background). Never throws.
 *
 * @example
 *   configure({ service: 'checkout', sampleRate: 0.5 });
 */
export function configure(options: Options = {}): Client {
  const previous = state.client;
  const client = new Client(resolveConfig(options ?? {}));
  state.client = client;
  setDebug(client.config.debug);
  if (previous !== undefined) void previous.shutdown(previous.config.shutdownTimeoutMs);
  if (client.enabled) {
    client.heartbeat.start();
    if (client.config.exitHooks) installExitHooks(() => state.client);
  }
  return client;
}

/** The active client without creating one (undefined before the first use). */
export function peekClient(): Client | undefined {
  return state.client;
}
