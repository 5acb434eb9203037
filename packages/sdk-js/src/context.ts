import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import type { ActiveSpan, SpanState } from './span.js';

/** Marks a trace that sampling left out: its descendants are skipped as well. */
export const NOT_SAMPLED = Symbol('runtime-hub.not-sampled');
/**
 * Marks a subtree whose root span was dropped (the buffer was full): its descendants are dropped
 * and counted too, so no stored span ever misses its parent.
 */
export const DROPPED = Symbol('runtime-hub.dropped');
export type ContextValue = SpanState | typeof NOT_SAMPLED | typeof DROPPED;

interface Shared {
  storage: AsyncLocalStorage<ContextValue>;
}

// One storage per process even when both the ESM and the CommonJS build are loaded (the dual
// package hazard): a span started through one build must be the parent of spans of the other.
const KEY = Symbol.for('@runtime-hub/sdk.context');
const holder = globalThis as unknown as Record<symbol, Shared | undefined>;
const shared: Shared = (holder[KEY] ??= { storage: new AsyncLocalStorage<ContextValue>() });

export const storage = shared.storage;

/**
 * The span the caller runs in, or undefined outside any span (or in a trace sampling left out).
 * AsyncLocalStorage carries it across awaits, timers, promise callbacks and I/O callbacks.
 *
 * @example
 *   currentSpan()?.setAttribute('user.id', id);
 */
export function currentSpan(): ActiveSpan | undefined {
  const value = storage.getStore();
  return typeof value === 'object' ? value : undefined;
}

/**
 * Returns `fn` bound to the current span: wherever it is called later, spans it starts are
 * children of the span that was current here. For callbacks handed to code that runs them in
 * another context (a connection pool, a job queue).
 *
 * @example
 *   pool.onRelease(bind(() => track(cleanup)()));
 */
export function bind<F extends (...args: never[]) => unknown>(fn: F): F {
  const value = storage.getStore();
  if (value === undefined) return fn;
  return function bound(this: unknown, ...args: Parameters<F>) {
    return storage.run(value, () => fn.apply(this, args));
  } as unknown as F;
}

const BOUND = Symbol('runtime-hub.bound-listeners');
const ADDERS = ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const;

/**
 * Makes every listener added to `emitter` from now on run in the span that was current when the
 * listener was added, not in the context of whoever calls `emit`. Returns the same emitter.
 *
 * @example
 *   await span('consume', () => bindEmitter(queue).on('message', track(handle)));
 */
export function bindEmitter<E extends EventEmitter>(emitter: E): E {
  const target = emitter as unknown as Record<string | symbol, unknown>;
  if (target[BOUND]) return emitter;
  const map = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();
  for (const method of ADDERS) {
    const original = target[method] as ((event: string | symbol, listener: (...args: unknown[]) => unknown) => E) | undefined;
    if (typeof original !== 'function') continue;
    target[method] = function (this: E, event: string | symbol, listener: (...args: unknown[]) => unknown) {
      if (typeof listener !== 'function' || storage.getStore() === undefined) return original.call(this, event, listener);
      const bound = bind(listener);
      map.set(listener, bound);
      return original.call(this, event, bound);
    };
  }
  for (const method of ['off', 'removeListener'] as const) {
    const original = target[method] as ((event: string | symbol, listener: (...args: unknown[]) => unknown) => E) | undefined;
    if (typeof original !== 'function') continue;
    target[method] = function (this: E, event: string | symbol, listener: (...args: unknown[]) => unknown) {
      return original.call(this, event, map.get(listener) ?? listener);
    };
  }
  Object.defineProperty(target, BOUND, { value: true });
  return emitter;
}
