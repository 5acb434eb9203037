import { REDACTED, type Redactor } from './redact.js';

export interface SerializeLimits {
  maxString: number;
  maxDepth: number;
  maxItems: number;
  /** Size budget of one copied value; past it the walk stops with "…". */
  maxSpanBytes: number;
}

export const TRUNCATED = '…';

/**
 * Copies any value into bounded, JSON-safe data at the moment of the call, so later mutation of
 * the caller's objects cannot change what was recorded and nothing unbounded stays referenced.
 * Never throws: getters and proxies that throw become "[unreadable]". Limits and markers as in
 * the Python SDK: strings longer than maxString, containers with more than maxItems entries and
 * nesting deeper than maxDepth are cut with a marker saying how much was left out, and one value
 * stops growing once its size budget (maxSpanBytes) is spent, so the cost is bounded by the
 * limits, not by the size of the value.
 *
 * @example
 *   new Serializer(limits, redactor).copy({ password: 'x', n: 1 }) // { password: '[REDACTED]', n: 1 }
 */
export class Serializer {
  /** Rough UTF-16 size of everything copied since the last reset; bounds the send queue. */
  bytes = 0;
  private readonly seen: object[] = [];
  private budget = Infinity;

  constructor(
    private readonly limits: SerializeLimits,
    private readonly redactor: Redactor,
  ) {}

  copy(value: unknown): unknown {
    this.budget = this.bytes + this.limits.maxSpanBytes;
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
        return this.string(value.toString());
      case 'symbol':
        return this.string(value.toString());
      case 'function':
        return this.string(`[Function: ${value.name || 'anonymous'}]`);
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
    if (value instanceof Date) return this.string(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
    if (value instanceof RegExp) return this.string(String(value));
    if (value instanceof Error) return this.error(value, depth);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      const length = value instanceof ArrayBuffer ? value.byteLength : value.byteLength;
      return this.string(`[${value.constructor.name}(${length})]`);
    }
    if (value instanceof Promise) return this.string('[Promise]');
    if (value instanceof WeakMap || value instanceof WeakSet) return this.string(`[${value.constructor.name}]`);
    if (this.bytes > this.budget) return TRUNCATED;
    if (this.seen.includes(value)) return this.string('[Circular]');
    if (depth >= this.limits.maxDepth) return this.string(summary(value));

    this.seen.push(value);
    try {
      if (Array.isArray(value)) return this.list(value, value.length, depth);
      if (value instanceof Set) return this.list(value, value.size, depth);
      if (value instanceof Map) return this.map(value, depth);
      return this.record(value, depth);
    } finally {
      this.seen.pop();
    }
  }

  private list(items: Iterable<unknown>, size: number, depth: number): unknown[] {
    const out: unknown[] = [];
    const max = this.limits.maxItems;
    this.bytes += 2;
    for (const item of items) {
      if (out.length === max || this.bytes > this.budget) break;
      out.push(this.walk(item, depth + 1));
    }
    if (size > out.length) out.push(this.string(`${TRUNCATED} ${size - out.length} more items`));
    return out;
  }

  private map(map: Map<unknown, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const max = this.limits.maxItems;
    let count = 0;
    this.bytes += 2;
    for (const [key, item] of map) {
      if (count === max || this.bytes > this.budget) break;
      const name = typeof key === 'string' ? key : String(this.walk(key, this.limits.maxDepth));
      put(out, name, this.entry(name, item, depth));
      count++;
    }
    if (map.size > count) out[TRUNCATED] = `${map.size - count} more keys`;
    return out;
  }

  private record(value: object, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const max = this.limits.maxItems;
    let count = 0;
    let skipped = 0;
    this.bytes += 2;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      // A class instance: say which class, as the Python SDK does.
      const name = (value.constructor as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string' && name !== '' && name !== 'Object') out.__class__ = this.string(name);
    }
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (count === max || this.bytes > this.budget) {
        skipped++;
        continue;
      }
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch {
        item = '[unreadable]';
      }
      if (item === undefined) continue;
      put(out, key, this.entry(key, item, depth));
      count++;
    }
    if (skipped > 0) out[TRUNCATED] = `${skipped} more keys`;
    return out;
  }

  private entry(key: string, item: unknown, depth: number): unknown {
    this.bytes += key.length + 3;
    if (this.redactor.isSensitive(key)) {
      this.bytes += REDACTED.length;
      return REDACTED;
    }
    return this.walk(item, depth + 1);
  }

  private error(error: Error, depth: number): unknown {
    const out: Record<string, unknown> = { type: error.name || error.constructor.name, message: this.string(String(error.message)) };
    if (depth < this.limits.maxDepth && !this.seen.includes(error)) {
      this.seen.push(error);
      try {
        for (const key of Object.keys(error)) {
          if (key === 'stack' || key === 'message') continue;
          put(out, key, this.entry(key, (error as unknown as Record<string, unknown>)[key], depth));
        }
      } finally {
        this.seen.pop();
      }
    }
    return out;
  }
}

/** What stands for a container below maxDepth: `<Array len=3>`, `<Point>`, as in the Python SDK. */
function summary(value: object): string {
  if (Array.isArray(value)) return `<Array len=${value.length}>`;
  if (value instanceof Map) return `<Map len=${value.size}>`;
  if (value instanceof Set) return `<Set len=${value.size}>`;
  const name = (value.constructor as { name?: string } | undefined)?.name;
  return `<${name || 'Object'}>`;
}

/** Assigns an own property, even for the key "__proto__" (which `out[key] = v` would not). */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
