/**
 * @runtime-hub/sdk — see inside a running Node app: `track` functions, open `span`s, and watch the
 * calls live in runtime-hub. Silent no-op when disabled (`enabled: false` or RUNTIME_HUB_ENABLED=0).
 *
 * @example
 *   import { configure, track } from '@runtime-hub/sdk';
 *   configure({ service: 'shop' });
 *   const checkout = track(async function checkout(cart) { ... });
 */
import { configure as configureClient, getClient, peekClient } from './client.js';
import type { Options } from './config.js';
import { syncChannel } from './replay/invoke.js';

export { bind, bindEmitter, currentSpan } from './context.js';
export { span, type SpanOptions } from './scope.js';
export { track, type MethodDecorator, type TrackOptions } from './track.js';
export { trackClass, trackModule, type InstrumentOptions } from './instrument.js';
export type { ErrorMatcher } from './ignore-errors.js';
export { MemoryTransport } from './transport/memory.js';
export { ReplayDivergence } from './replay/player.js';
export type { Transport, TransportResult } from './transport/transport.js';
export type { ActiveSpan, LlmUsage } from './span.js';
export type { Options } from './config.js';
export type { DropReason } from './exporter.js';
export type { AttributeValue, Attributes, SpanKind, SpanStatus, WireError, WireEvent, WireHeartbeat, WireSpan } from './wire.js';
export { SDK_NAME, SDK_VERSION } from './version.js';

/**
 * Configures the SDK (service name, hub URL, sampling, limits, ...). Optional: without it the
 * SDK configures itself from RUNTIME_HUB_* variables on first use. Never throws.
 *
 * @example
 *   configure({ service: 'billing', url: 'http://127.0.0.1:8765' });
 */
export function configure(options: Options = {}): void {
  try {
    configureClient(options);
    syncChannel(); // re-invoke: opened when `invocable`, closed when not
  } catch {
    // Never break the host app over instrumentation.
  }
}

/**
 * Sends every buffered record now. Resolves true when all were delivered, false after
 * `timeoutMs` (default: shutdownTimeoutMs). Call it before `process.exit()`.
 *
 * @example
 *   await flush();
 *   process.exit(0);
 */
export function flush(timeoutMs?: number): Promise<boolean> {
  const client = peekClient();
  if (client === undefined) return Promise.resolve(true);
  return client.flush(timeoutMs ?? client.config.shutdownTimeoutMs);
}

/** Flushes, then stops heartbeats and the sender; later spans are dropped until configure(). */
export function shutdown(timeoutMs?: number): Promise<boolean> {
  const client = peekClient();
  if (client === undefined) return Promise.resolve(true);
  return client.shutdown(timeoutMs ?? client.config.shutdownTimeoutMs);
}

/** What the SDK dropped so far, by reason, and how many records the hub acknowledged. */
export function stats(): { sent: number; queued: number; dropped: Record<string, number> } {
  const client = getClient();
  return {
    sent: client.exporter.sent,
    queued: client.exporter.queuedSpans,
    dropped: { ...client.exporter.dropped } as Record<string, number>,
  };
}
