import { getClient } from './client.js';
import { NOT_SAMPLED, storage } from './context.js';
import type { SpanState } from './span.js';
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
}

type AnyFunction = (this: any, ...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

type Mode = 'plain' | 'generator' | 'async-generator';

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

function wrap<F extends AnyFunction>(fn: F, options: TrackOptions, nameOf?: (thisArg: unknown) => string): F {
  const fixedName = options.name ?? (fn.name || 'anonymous');
  const kind: SpanKind = options.kind ?? 'function';
  const mode = modeOf(fn);
  const { attributes, sessionId } = options;

  const tracked = function (this: unknown, ...args: unknown[]): unknown {
    const client = getClient();
    if (!client.enabled) return fn.apply(this, args);
    const parent = storage.getStore();
    if (parent === NOT_SAMPLED) return fn.apply(this, args);
    if (parent === undefined && !client.sampled()) return storage.run(NOT_SAMPLED, () => fn.apply(this, args));
    const span = client.startSpan(nameOf === undefined ? fixedName : nameOf(this), kind, parent, sessionId);
    if (args.length > 0 && (options.captureArgs ?? client.config.captureArgs)) span.setInput(args);
    if (attributes !== undefined) span.setAttributes(attributes);
    if (options.captureResult !== undefined) span.captureResult = options.captureResult;
    client.exporter.started(span);
    return storage.run(span, invoke, span, fn, this, args, mode);
  };
  Object.defineProperty(tracked, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(tracked, 'length', { value: fn.length, configurable: true });
  return tracked as unknown as F;
}

function invoke(span: SpanState, fn: AnyFunction, thisArg: unknown, args: unknown[], mode: Mode): unknown {
  let result: unknown;
  try {
    result = fn.apply(thisArg, args);
  } catch (error) {
    span.finish(undefined, error, true);
    throw error;
  }
  if (mode === 'generator') return wrapGenerator(span, result as Generator);
  if (mode === 'async-generator') return wrapAsyncGenerator(span, result as AsyncGenerator);
  if (result instanceof Promise) return settle(span, result);
  span.finish(result, undefined, false);
  return result;
}

/** Ends the span when the promise settles; resolves and rejects exactly like it. */
export function settle<T>(span: SpanState, promise: Promise<T>): Promise<T> {
  return promise.then(
    (value) => {
      span.finish(value, undefined, false);
      return value;
    },
    (error: unknown) => {
      span.finish(undefined, error, true);
      throw error;
    },
  );
}

/**
 * The span of one generator: it covers the whole iteration, counts the items yielded and ends on
 * exhaustion, error or an early return. Shared by the sync and async wrappers below.
 */
function generatorSpan(span: SpanState) {
  let yielded = 0;
  return {
    failed(error: unknown): never {
      span.setAttribute('generator.yielded', yielded);
      span.finish(undefined, error, true);
      throw error;
    },
    stepped(result: IteratorResult<unknown>): IteratorResult<unknown> {
      if (result.done) {
        span.setAttribute('generator.yielded', yielded);
        span.finish(result.value, undefined, false);
      } else yielded++;
      return result;
    },
  };
}

function wrapGenerator(span: SpanState, generator: Generator): Generator {
  const tracked = generatorSpan(span);
  const step = (op: () => IteratorResult<unknown>): IteratorResult<unknown> =>
    storage.run(span, () => {
      let result: IteratorResult<unknown>;
      try {
        result = op();
      } catch (error) {
        return tracked.failed(error);
      }
      return tracked.stepped(result);
    });
  const wrapped: Generator = {
    next: (...value: [] | [unknown]) => step(() => generator.next(...value)),
    return: (value: unknown) => step(() => generator.return(value)),
    throw: (error: unknown) => step(() => generator.throw(error)),
    [Symbol.iterator]() {
      return wrapped;
    },
  } as Generator;
  return wrapped;
}

function wrapAsyncGenerator(span: SpanState, generator: AsyncGenerator): AsyncGenerator {
  const tracked = generatorSpan(span);
  const step = (op: () => Promise<IteratorResult<unknown>>): Promise<IteratorResult<unknown>> =>
    storage.run(span, async () => {
      let result: IteratorResult<unknown>;
      try {
        result = await op();
      } catch (error) {
        return tracked.failed(error);
      }
      return tracked.stepped(result);
    });
  const wrapped: AsyncGenerator = {
    next: (...value: [] | [unknown]) => step(() => generator.next(...value)),
    return: (value: unknown) => step(() => generator.return(value)),
    throw: (error: unknown) => step(() => generator.throw(error)),
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  } as AsyncGenerator;
  return wrapped;
}
