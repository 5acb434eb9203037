import { configure, flush, MemoryTransport, type Options, type WireSpan } from '../index.js';

/** Configures the SDK with an in-memory transport for one test; returns helpers to read it. */
export function memorySdk(options: Options = {}) {
  const transport = new MemoryTransport();
  configure({ service: 'test', transport, exitHooks: false, heartbeatIntervalMs: 3_600_000, ...options });
  return {
    transport,
    /** Flushes and returns the merged state of every span, in start order. */
    async spans(): Promise<WireSpan[]> {
      await flush(2_000);
      return transport.latest().sort((a, b) => a.startTime - b.startTime);
    },
  };
}
