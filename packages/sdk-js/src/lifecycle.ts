import type { Client } from './client.js';
import { sendExitBeat } from './exit-beat.js';
import { debug } from './log.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const KEY = Symbol.for('@runtime-hub/sdk.exit-hooks');
const holder = globalThis as unknown as Record<symbol, boolean | undefined>;

/**
 * Flushes on `beforeExit` (the event loop ran dry) and on SIGINT / SIGTERM. A signal handler
 * replaces Node's default "exit at once", so after flushing we re-raise the signal when no other
 * listener is left, and the process ends exactly as it would have without the SDK. `process.exit()`
 * cannot be intercepted asynchronously: call `await flush()` before it; on `exit` the SDK only
 * makes sure the hub learns the final drop count (exit-beat.ts).
 */
export function installExitHooks(current: () => Client | undefined): void {
  if (holder[KEY]) return;
  holder[KEY] = true;

  // beforeExit fires again after our flush empties the loop; give up after one timed-out attempt
  // so a hub that stays down cannot keep the process alive.
  let busy = false;
  let gaveUp = false;
  let finalBeat = false;
  process.on('beforeExit', () => {
    const client = current();
    if (busy || gaveUp || client === undefined || !client.enabled) return;
    busy = true;
    if (client.exporter.isIdle()) {
      // Nothing to send: one last heartbeat if the hub lacks this process's latest drop counts.
      if (finalBeat) busy = false;
      else {
        finalBeat = true;
        void client.heartbeat.beatIfStale().finally(() => (busy = false));
      }
      return;
    }
    void client.flush(client.config.shutdownTimeoutMs).then((delivered) => {
      busy = false;
      if (!delivered) {
        gaveUp = true;
        debug('exit flush timed out; records still queued are lost');
      }
    });
  });

  process.on('exit', () => {
    const client = current();
    if (client !== undefined) sendExitBeat(client);
  });

  for (const signal of SIGNALS) {
    const onSignal = () => {
      process.removeListener(signal, onSignal);
      const client = current();
      const done = () => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      if (client === undefined || client.exporter.isIdle()) done();
      else void client.flush(client.config.shutdownTimeoutMs).then(done, done);
    };
    process.on(signal, onSignal);
  }
}
