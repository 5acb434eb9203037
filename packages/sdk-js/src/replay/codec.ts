/**
 * A faithful, size-bounded encoding of results and thrown values for replay (docs/replay.md):
 * tagged JSON. null, booleans, strings and finite numbers are themselves; everything else is an
 * object with a "$" key naming its type. Plain data only — arrays, plain objects (own data
 * properties; a getter is never run), Map, Set, Date, bigint, typed arrays / Buffer, errors.
 * Class instances, functions and symbols are refused with a reason: a replay runs those calls for
 * real rather than return something that is not what the function returned.
 */

type Encoded = null | boolean | number | string | { $: string; [key: string]: unknown };

export class Unsupported extends Error {}

export interface SecretCheck {
  isSensitive(key: string): boolean;
}

const ERRORS: Record<string, new (message?: string) => Error> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

class Encoder {
  private readonly seen = new Set<object>();

  constructor(
    private budget: number,
    private readonly secrets: SecretCheck | undefined,
  ) {}

  private spend(n: number): void {
    this.budget -= n;
    if (this.budget < 0) throw new Unsupported('too large');
  }

  private secretFree(keys: Iterable<unknown>): void {
    if (this.secrets === undefined) return;
    for (const key of keys) {
      if (typeof key === 'string' && this.secrets.isSensitive(key)) throw new Unsupported(`holds a value under a secret name (${JSON.stringify(key)})`);
    }
  }

  encode(value: unknown, depth = 0): Encoded {
    if (depth > 64) throw new Unsupported('nested deeper than 64 levels');
    switch (typeof value) {
      case 'string':
        this.spend(value.length + 2);
        return value;
      case 'boolean':
        this.spend(5);
        return value;
      case 'number':
        this.spend(24);
        return Number.isFinite(value) && !Object.is(value, -0) ? value : { $: 'number', v: Object.is(value, -0) ? '-0' : String(value) };
      case 'bigint':
        this.spend(24);
        return { $: 'bigint', v: value.toString() };
      case 'undefined':
        this.spend(16);
        return { $: 'undefined' };
      case 'object':
        if (value === null) {
          this.spend(4);
          return null;
        }
        if (this.seen.has(value)) throw new Unsupported('a cycle');
        this.seen.add(value);
        try {
          return this.object(value, depth + 1);
        } finally {
          this.seen.delete(value);
        }
      default:
        throw new Unsupported(`unsupported type ${typeof value}`);
    }
  }

  private object(value: object, depth: number): Encoded {
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw new Unsupported('unsupported type (an Array subclass)');
      return { $: 'array', v: Array.from(value, (item) => this.encode(item, depth)) };
    }
    if (value instanceof Date) return { $: 'date', v: Number.isNaN(value.getTime()) ? null : value.toISOString() };
    if (value instanceof Map) {
      this.secretFree(value.keys());
      return { $: 'map', v: Array.from(value, ([k, v]) => [this.encode(k, depth), this.encode(v, depth)]) };
    }
    if (value instanceof Set) return { $: 'set', v: Array.from(value, (item) => this.encode(item, depth)) };
    if (value instanceof Uint8Array) {
      this.spend(Math.ceil(value.length / 3) * 4 + 16);
      const kind = typeof Buffer !== 'undefined' && Buffer.isBuffer(value) ? 'Buffer' : 'Uint8Array';
      return { $: 'bytes', cls: kind, v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
    }
    if (value instanceof Error) {
      const props: Record<string, Encoded> = {};
      for (const key of Object.keys(value)) {
        const d = Object.getOwnPropertyDescriptor(value, key);
        if (d && 'value' in d && typeof d.value !== 'function') {
          try {
            props[key] = this.encode(d.value, depth);
          } catch (error) {
            if ((error as Error).message === 'too large') throw error;
          }
        }
      }
      this.spend(value.message.length + 32);
      return { $: 'error', name: value.name, message: value.message, props };
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      throw new Unsupported(`unsupported type ${(value.constructor as { name?: string } | undefined)?.name ?? 'object'} (a class instance)`);
    }
    const keys = Object.keys(value);
    this.secretFree(keys);
    const out: Record<string, Encoded> = {};
    for (const key of keys) {
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if (!('value' in d)) throw new Unsupported(`a getter (${JSON.stringify(key)})`);
      this.spend(key.length + 4);
      out[key] = this.encode(d.value, depth);
    }
    return { $: 'object', v: out };
  }
}

/** `{ text }` to keep, or `{ skipped }` saying why not. */
export function encode(value: unknown, maxBytes: number, secrets?: SecretCheck): { text: string } | { skipped: string } {
  try {
    const text = JSON.stringify(new Encoder(maxBytes, secrets).encode(value));
    const bytes = Buffer.byteLength(text);
    return bytes > maxBytes ? { skipped: `too large (${bytes} bytes)` } : { text };
  } catch (error) {
    const message = (error as Error).message;
    if (!(error instanceof Unsupported)) return { skipped: `could not encode (${message})` };
    return { skipped: message === 'too large' ? `too large (over ${maxBytes} bytes)` : message };
  }
}

export function decode(data: unknown): unknown {
  if (data === null || typeof data !== 'object') return data;
  const tagged = data as { $: string; v?: unknown; [key: string]: unknown };
  const v = tagged.v;
  switch (tagged.$) {
    case 'undefined':
      return undefined;
    case 'number':
      return Number(v);
    case 'bigint':
      return BigInt(v as string);
    case 'array':
      return (v as unknown[]).map(decode);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) out[key] = decode(item);
      return out;
    }
    case 'date':
      return new Date(v === null ? NaN : (v as string));
    case 'map':
      return new Map((v as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
    case 'set':
      return new Set((v as unknown[]).map(decode));
    case 'bytes': {
      const buffer = Buffer.from(v as string, 'base64');
      return tagged.cls === 'Buffer' ? buffer : new Uint8Array(buffer);
    }
    case 'error':
      return decodeError(tagged);
    default:
      throw new Error(`unknown replay encoding ${JSON.stringify(tagged.$)}`);
  }
}

function decodeError(tagged: { [key: string]: unknown }): Error {
  const name = String(tagged.name ?? 'Error');
  const error = new (ERRORS[name] ?? Error)(String(tagged.message ?? ''));
  if (!(name in ERRORS)) error.name = name;
  for (const [key, item] of Object.entries((tagged.props as Record<string, unknown> | undefined) ?? {})) {
    (error as unknown as Record<string, unknown>)[key] = decode(item);
  }
  return error;
}
