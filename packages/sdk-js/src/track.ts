import type { ErrorMatcher } from './ignore-errors.js';
import { registerInvocable } from './replay/invoke.js';
import { replayPlayer } from './replay/player.js';
import { replayWrapper } from './replay/wrap.js';
import { Tracker, type Mode } from './tracker.js';
import type { SpanKind } from './wire.js';

/** Per-function settings for `track`. */
export interface TrackOptions {
  /** Span name. Default: the function's name (`Class.method` for decorated methods). */
  name?: string;
  /** Default "function". */
  kind?: SpanKind;
  /** Record the arguments as input. Default: the configure() setting (true). */
  captureArgs?: boolean;
  /** Record the return value as output. Default: the configure() setting (true). */
  captureResult?: boolean;
  /** Attributes set on every span of this function. */
  attributes?: Record<string, unknown>;
  /** Groups this call's trace into a session; children inherit it. */
  sessionId?: string;
  /**
   * Thrown values that are control flow for this function, not failures: recorded on the span
   * (status ok, `exception.*` attributes) but not as an error. Replaces the configure() list.
   */
  ignoreErrors?: readonly ErrorMatcher[];
  /** Most spans per second for this function; calls beyond it run untracked. Default: configure(). */
  rateLimit?: number;
  /**
   * Keep a faithful encoding of each result (or thrown value) so `runtime-hub replay` can return
   * it without running the call (docs/replay.md). Default: configure()'s `replay` ('llm': calls of
   * kind llm).
   */
  replay?: boolean;
  /** The dashboard may call this function again inside the running app, once `configure({ invocable: true })` opens the channel (docs/replay.md). */
  invocable?: boolean;
}

type AnyFunction = (this: any, ...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A decorator usable both as TS 5 standard decorator and as legacy experimentalDecorators. */
export interface MethodDecorator {
  <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
  (target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

/**
 * Records every call of `fn` as a span: arguments, return value (or resolved value), timing,
 * thrown errors with their stack, and nesting under the caller's span. Works for sync, async and
 * generator functions; never changes what `fn` returns or throws. Also a method decorator.
 *
 * @example
 *   const charge = track(async function charge(order: Order) { ... });
 *
 *   class Cart {
 *     @track checkout() { ... }
 *     @track({ kind: 'tool' }) search(q: string) { ... }
 *   }
 */
export function track<F extends AnyFunction>(fn: F, options?: TrackOptions): F;
export function track<F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
export function track(target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
export function track(options: TrackOptions): MethodDecorator & (<F extends AnyFunction>(fn: F) => F);
export function track(first: unknown, second?: unknown, third?: unknown): unknown {
  // Legacy decorators get (prototype or constructor, key, descriptor): check that first, since a
  // static method's target is itself a function.
  if (isDescriptor(third)) return decorateLegacy(first as object, second as string | symbol, third, {});
  if (typeof first === 'function') {
    if (isMethodContext(second)) return wrapMethod(first as AnyFunction, {}, String(second.name), second.static);
    return wrap(first as AnyFunction, (second as TrackOptions | undefined) ?? {});
  }
  const options = (first as TrackOptions | undefined) ?? {};
  return (fn: unknown, context?: unknown, descriptor?: unknown): unknown => {
    if (isDescriptor(descriptor)) return decorateLegacy(fn as object, context as string | symbol, descriptor, options);
    if (typeof fn !== 'function') return fn;
    if (isMethodContext(context)) return wrapMethod(fn as AnyFunction, options, String(context.name), context.static);
    return wrap(fn as AnyFunction, options);
  };
}

function isMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { kind?: unknown }).kind === 'method' &&
    typeof (value as { addInitializer?: unknown }).addInitializer === 'function'
  );
}

function isDescriptor(value: unknown): value is PropertyDescriptor {
  return value !== null && typeof value === 'object' && typeof (value as PropertyDescriptor).value === 'function';
}

function decorateLegacy(target: object, key: string | symbol, descriptor: PropertyDescriptor, options: TrackOptions): PropertyDescriptor {
  const isStatic = typeof target === 'function';
  descriptor.value = wrapMethod(descriptor.value as AnyFunction, options, String(key), isStatic);
  return descriptor;
}

function wrapMethod(method: AnyFunction, options: TrackOptions, methodName: string, isStatic: boolean): AnyFunction {
  if (options.name !== undefined) return wrap(method, options);
  // The class is only known from `this` at call time; remember the last one to avoid a
  // string concatenation per call.
  let lastOwner: unknown;
  let lastName = methodName;
  return wrap(method, options, (thisArg) => {
    const owner = isStatic ? thisArg : (thisArg as { constructor?: unknown } | null | undefined)?.constructor;
    if (owner !== lastOwner) {
      lastOwner = owner;
      const className = typeof owner === 'function' ? owner.name : '';
      lastName = className ? `${className}.${methodName}` : methodName;
    }
    return lastName;
  });
}

function modeOf(fn: AnyFunction): Mode {
  const tag = Object.prototype.toString.call(fn);
  if (tag === '[object GeneratorFunction]') return 'generator';
  if (tag === '[object AsyncGeneratorFunction]') return 'async-generator';
  return 'plain';
}

// Every wrapper track() made, so tracking a wrapper again returns it instead of nesting a second span.
const WRAPPERS_KEY = Symbol.for('@runtime-hub/sdk.wrappers');
const wrappers: WeakSet<object> = ((globalThis as unknown as Record<symbol, WeakSet<object> | undefined>)[WRAPPERS_KEY] ??= new WeakSet());

function wrap<F extends AnyFunction>(fn: F, options: TrackOptions, nameOf?: (thisArg: unknown) => string): F {
  if (wrappers.has(fn)) return fn;
  const mode = modeOf(fn);
  const tracker = new Tracker({
    name: options.name ?? (fn.name || 'anonymous'),
    kind: options.kind ?? 'function',
    mode,
    nameOf,
    captureArgs: options.captureArgs,
    captureResult: options.captureResult,
    attributes: options.attributes,
    sessionId: options.sessionId,
    ignoreErrors: options.ignoreErrors,
    rateLimit: options.rateLimit,
    replay: options.replay,
  });

  // The only frame between the caller and `fn` while it runs: the span is opened and closed by
  // the tracker's methods around the call, and the context switched with enterWith instead of
  // AsyncLocalStorage.run, so a tracked recursive function reaches nearly its untracked depth.
  // `arguments` rather than rest parameters: no array per call, and a smaller frame.
  /* eslint-disable prefer-rest-params */
  const tracked = function (this: unknown): unknown {
    const entered = tracker.enter(this, arguments);
    if (entered === undefined) return new.target === undefined ? fn.apply(this, arguments as never) : Reflect.construct(fn, arguments, new.target);
    let result: unknown;
    try {
      result = new.target === undefined ? fn.apply(this, arguments as never) : Reflect.construct(fn, arguments, new.target);
    } catch (error) {
      tracker.failed(entered, error);
      throw error;
    }
    return tracker.returned(entered, result);
  };
  /* eslint-enable prefer-rest-params */
  Object.defineProperty(tracked, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(tracked, 'length', { value: fn.length, configurable: true });
  // `new tracked()` builds what `new fn()` builds, and `instanceof tracked` agrees with it.
  if (mode === 'plain' && fn.prototype !== undefined) tracked.prototype = fn.prototype as object;
  const player = mode === 'plain' ? replayPlayer() : undefined;
  const wrapper = player === undefined ? tracked : replayWrapper(fn, tracker, tracked, player); // started by `runtime-hub replay`
  if (wrapper !== tracked) {
    Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
    wrappers.add(tracked);
  }
  wrappers.add(wrapper);
  if (options.invocable === true) registerInvocable(options.name ?? (fn.name || 'anonymous'), wrapper as AnyFunction);
  return wrapper as unknown as F;
}
