import { track, type TrackOptions } from './track.js';

/** Settings for `trackModule` and `trackClass`: TrackOptions for every function, less `name`. */
export interface InstrumentOptions extends Omit<TrackOptions, 'name'> {
  /** Also track the methods (prototype and static) of classes the module exports. Default false. */
  classes?: boolean;
  /** Span names become `prefix.name`. Default: none for functions, the class name for methods. */
  prefix?: string;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

// One wrapper per function for the whole process (shared by the ESM and CommonJS builds), so a
// function re-exported under several names, or by several modules, keeps one identity.
const KEY = Symbol.for('@runtime-hub/sdk.instrumented');
const holder = globalThis as unknown as Record<symbol, { wrappers: WeakMap<object, unknown>; classes: WeakSet<object> } | undefined>;
const registry = (holder[KEY] ??= { wrappers: new WeakMap(), classes: new WeakSet() });

/**
 * Tracks every function a module exports, in place (a CommonJS `exports` object or any mutable
 * object of functions), and returns it. Each function gets one wrapper for the whole process:
 * when another module re-exports it, instrumenting that module too points its name at the same
 * wrapper, so identity comparisons (`a.f === b.f`) still hold. Getters are left alone (a
 * re-export getter reads the instrumented module). With `classes: true`, exported classes keep
 * their identity and their methods are tracked in place (see trackClass). When `target` is
 * itself a function (`module.exports = fn`), the tracked function is returned.
 *
 * @example
 *   const utils = trackModule(require('./utils'), { classes: true });
 */
export function trackModule<T extends object>(target: T, options: InstrumentOptions = {}): T {
  if (typeof target === 'function') {
    if (isClassLike(target)) {
      if (options.classes === true) trackClass(target as unknown as abstract new (...args: never[]) => unknown, options);
      return target;
    }
    return wrapperOf(target as unknown as AnyFunction, options.prefix, options) as unknown as T;
  }
  if (target === null || typeof target !== 'object') return target;
  for (const key of Object.keys(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor === undefined || !('value' in descriptor) || typeof descriptor.value !== 'function') continue;
    const fn = descriptor.value as AnyFunction;
    if (isClassLike(fn)) {
      if (options.classes === true) trackClass(fn as unknown as abstract new (...args: never[]) => unknown, options);
      continue;
    }
    const wrapper = wrapperOf(fn, options.prefix, options);
    if (wrapper === fn) continue;
    if (descriptor.writable === true) (target as Record<string, unknown>)[key] = wrapper;
    else if (descriptor.configurable === true) Object.defineProperty(target, key, { ...descriptor, value: wrapper });
  }
  return target;
}

/**
 * Tracks the methods of a class in place: prototype and static methods, generators and async
 * ones included; getters, setters and the constructor are left alone, so `new`, `instanceof` and
 * the class's identity are unchanged. Spans are named `Class.method`. Tracking a class twice
 * changes nothing.
 *
 * @example
 *   trackClass(Router);
 */
export function trackClass<C extends abstract new (...args: never[]) => unknown>(cls: C, options: InstrumentOptions = {}): C {
  if (typeof cls !== 'function' || registry.classes.has(cls)) return cls;
  registry.classes.add(cls);
  const prefix = options.prefix ?? (cls.name || 'anonymous');
  const proto = (cls as { prototype?: unknown }).prototype;
  if (proto !== null && typeof proto === 'object') replaceMethods(proto, prefix, options, ['constructor']);
  replaceMethods(cls, prefix, options, ['length', 'name', 'prototype', 'caller', 'arguments']);
  return cls;
}

function replaceMethods(owner: object, prefix: string, options: InstrumentOptions, skip: string[]): void {
  for (const key of Object.getOwnPropertyNames(owner)) {
    if (skip.includes(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    if (descriptor === undefined || !('value' in descriptor) || typeof descriptor.value !== 'function') continue;
    if (isClassLike(descriptor.value as AnyFunction)) continue;
    const wrapper = wrapperOf(descriptor.value as AnyFunction, prefix, options, key);
    if (descriptor.writable === true || descriptor.configurable === true) Object.defineProperty(owner, key, { ...descriptor, value: wrapper });
  }
}

function wrapperOf(fn: AnyFunction, prefix: string | undefined, options: InstrumentOptions, key?: string): AnyFunction {
  const known = registry.wrappers.get(fn) as AnyFunction | undefined;
  if (known !== undefined) return known;
  const { classes: _classes, prefix: _prefix, ...trackOptions } = options;
  const base = key ?? (fn.name || 'anonymous');
  const wrapper = track(fn, { ...trackOptions, name: prefix ? `${prefix}.${base}` : base });
  registry.wrappers.set(fn, wrapper);
  registry.wrappers.set(wrapper, wrapper);
  return wrapper;
}

/**
 * A class, or a constructor function with methods on its prototype: tracked by its methods, not
 * replaced (a replacement would change its identity and what `new` and `instanceof` see).
 */
function isClassLike(fn: AnyFunction): boolean {
  // Generator and async functions have a prototype too, but are never constructors.
  if (Object.prototype.toString.call(fn) !== '[object Function]') return false;
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return false;
  }
  if (/^class[\s{]/.test(source)) return true;
  const proto = (fn as { prototype?: unknown }).prototype;
  if (proto === null || typeof proto !== 'object') return false;
  if (Object.getPrototypeOf(proto) !== Object.prototype) return true;
  return Object.getOwnPropertyNames(proto).some((name) => name !== 'constructor');
}
