import { types } from 'node:util';
import { REDACTED, type Redactor } from './redact.js';
import { ACCESSOR, bigintText, constructorName, describeOpaque, ownData, summary } from './serialize-types.js';

export interface SerializeLimits {
  maxString: number;
  maxDepth: number;
  maxItems: number;
  /** Size budget of one copied value, as written; past it the walk stops with "…". */
  maxPayloadBytes: number;
}

export const TRUNCATED = '…';

// The built-in ways to read a Map or Set, taken once: a subclass that overrides get(), entries()
// or size (a lazy store, a database-backed cache) is read without running its code.
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;

// An object with more own keys than this is enumerated once (V8 lists every key of a large
// object before the first one, ~1 µs per key); later copies of the same object only name it.
const LARGE_OBJECT_KEYS = 10_000;
const largeObjects = new WeakMap<object, number>();

/**
 * Copies any value into bounded, JSON-safe data at the moment of the call, so later mutation of
 * the caller's objects cannot change what was recorded and nothing unbounded stays referenced.
 *
 * Only plain data is walked: arrays, objects' own data properties (class instances get a
 * `__class__` key), Map and Set (through the built-in iterators). Everything else is shown by
 * type with a bounded description that runs none of the value's code: getters, proxies, custom
 * iterators and toString/toJSON methods are never called. Every walk stops at the limits without
 * visiting the rest (maxItems per container, maxDepth, maxString per string, maxPayloadBytes per
 * value, counted as written), so the cost is bounded by the limits, not by the value. Never throws.
 *
 * @example
 *   new Serializer(limits, redactor).copy({ password: 'x', n: 1 }) // { password: '[REDACTED]', n: 1 }
 */
export class Serializer {
  /** Rough size of everything copied since the last reset, as written; bounds the send queue. */
  bytes = 0;
  private readonly seen: object[] = [];
  private budget = Infinity;

  constructor(
    private readonly limits: SerializeLimits,
    private readonly redactor: Redactor,
  ) {}

  copy(value: unknown): unknown {
    this.budget = this.bytes + this.limits.maxPayloadBytes;
    try {
      return this.walk(value, 0);
    } catch {
      this.seen.length = 0;
      return '[unserializable]';
    }
  }

  private walk(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        this.bytes += 8;
        return Number.isFinite(value) ? value : String(value);
      case 'boolean':
        this.bytes += 5;
        return value;
      case 'undefined':
        this.bytes += 4;
        return null;
      case 'bigint':
        return this.string(bigintText(value, this.limits.maxString));
      case 'symbol':
        return this.string(value.toString());
      case 'function':
        return this.string(describeOpaque(value) ?? '[Function]');
    }
    if (value === null) {
      this.bytes += 4;
      return null;
    }
    return this.object(value as object, depth);
  }

  private string(value: string): string {
    const max = this.limits.maxString;
    if (value.length <= max) {
      this.bytes += value.length + 2;
      return value;
    }
    this.bytes += max + 24;
    return `${value.slice(0, max)}… (${value.length - max} more chars)`;
  }

  private object(value: object, depth: number): unknown {
    if (types.isProxy(value)) return this.string('[Proxy]');
    // The common cases first, without the type probes below: plain objects and plain arrays.
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null || proto === Array.prototype) return this.container(value, depth, proto === Array.prototype, false, false);
    const isArray = Array.isArray(value);
    const isMap = !isArray && types.isMap(value);
    const isSet = !isArray && !isMap && types.isSet(value);
    if (!isArray && !isMap && !isSet) {
      if (types.isNativeError(value)) return this.error(value as Error, depth);
      const opaque = describeOpaque(value);
      if (opaque !== undefined) return this.string(opaque);
    }
    return this.container(value, depth, isArray, isMap, isSet);
  }

  private container(value: object, depth: number, isArray: boolean, isMap: boolean, isSet: boolean): unknown {
    if (this.bytes > this.budget) return TRUNCATED;
    if (this.seen.includes(value)) return this.string('[Circular]');
    if (depth >= this.limits.maxDepth) return this.string(summary(value));

    this.seen.push(value);
    try {
      if (isArray) return this.array(value as unknown[], depth);
      if (isSet) return this.list(setValues.call(value as Set<unknown>), setSize.call(value) as number, depth);
      if (isMap) return this.map(value as Map<unknown, unknown>, depth);
      return this.record(value, depth);
    } finally {
      this.seen.pop();
    }
  }

  private array(items: unknown[], depth: number): unknown[] {
    const out: unknown[] = [];
    const size = items.length;
    const end = Math.min(size, this.limits.maxItems);
    this.bytes += 2;
    // Each item costs its comma too: the budget counts what is written.
    for (let i = 0; i < end && this.bytes <= this.budget; i++) {
      this.bytes += 1;
      out.push(this.walk(items[i], depth + 1));
    }
    if (size > out.length) out.push(this.string(`${TRUNCATED} ${size - out.length} more items`));
    return out;
  }

  private list(items: Iterator<unknown>, size: number, depth: number): unknown[] {
    const out: unknown[] = [];
    const max = this.limits.maxItems;
    this.bytes += 2;
    while (out.length < max && this.bytes <= this.budget) {
      const next = items.next();
      if (next.done === true) break;
      this.bytes += 1;
      out.push(this.walk(next.value, depth + 1));
    }
    if (size > out.length) out.push(this.string(`${TRUNCATED} ${size - out.length} more items`));
    return out;
  }

  private map(map: Map<unknown, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const max = this.limits.maxItems;
    const size = mapSize.call(map) as number;
    const entries = mapEntries.call(map);
    let count = 0;
    this.bytes += 2;
    while (count < max && this.bytes <= this.budget) {
      const next = entries.next();
      if (next.done === true) break;
      const [key, item] = next.value;
      const name = typeof key === 'string' ? key : String(this.walk(key, this.limits.maxDepth));
      put(out, name, this.entry(name, item, depth));
      count++;
    }
    if (size > count) out[TRUNCATED] = `${size - count} more keys`;
    return out;
  }

  private record(value: object, depth: number): unknown {
    const large = largeObjects.get(value);
    if (large !== undefined) return this.string(`${summary(value)} with ${large} keys`);
    const out: Record<string, unknown> = {};
    const max = this.limits.maxItems;
    let count = 0;
    let skipped = 0;
    this.bytes += 2;
    const className = classNameOf(value);
    if (className !== undefined) out.__class__ = this.string(className);
    for (const key in value) {
      if (count === max || this.bytes > this.budget) {
        skipped++;
        continue;
      }
      // Own data properties only: a getter is never run, inherited keys are not the value's data.
      const item = ownData(value, key);
      if (item === undefined) continue;
      put(out, key, this.entry(key, item, depth));
      count++;
    }
    if (skipped > 0) out[TRUNCATED] = `${skipped} more keys`;
    if (count + skipped > LARGE_OBJECT_KEYS) largeObjects.set(value, count + skipped);
    return out;
  }

  private entry(key: string, item: unknown, depth: number): unknown {
    this.bytes += key.length + 4;
    if (this.redactor.isSensitive(key)) {
      this.bytes += REDACTED.length;
      return REDACTED;
    }
    return this.walk(item, depth + 1);
  }

  private error(error: Error, depth: number): unknown {
    const name = ownData(error, 'name', true);
    const message = ownData(error, 'message', true);
    const out: Record<string, unknown> = {
      type: this.string(typeof name === 'string' && name !== '' && name !== ACCESSOR ? name : (classNameOf(error) ?? 'Error')),
      message: this.string(typeof message === 'string' && message !== ACCESSOR ? message : ''),
    };
    if (depth < this.limits.maxDepth && !this.seen.includes(error)) {
      this.seen.push(error);
      try {
        let count = 0;
        for (const key of Object.keys(error)) {
          if (key === 'stack' || key === 'message' || count++ === this.limits.maxItems) continue;
          const item = ownData(error, key);
          if (item !== undefined) put(out, key, this.entry(key, item, depth));
        }
      } finally {
        this.seen.pop();
      }
    }
    return out;
  }
}

/** The class of an instance (undefined for plain objects), read without running its code. */
function classNameOf(value: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return undefined;
  const name = constructorName(value);
  return name === 'Object' ? undefined : name;
}

/** Assigns an own property, even for the key "__proto__" (which `out[key] = v` would not). */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
