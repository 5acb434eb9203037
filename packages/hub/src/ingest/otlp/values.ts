import type { AttributeValue, Attributes } from '@runtime-hub/protocol';
import type { OtlpAnyValue, OtlpId, OtlpInt64, OtlpKeyValue } from './otlp-types.js';

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * An OTLP trace or span id as lowercase hex. OTLP/JSON sends hex; some senders send base64 (the
 * protobuf JSON mapping of bytes); protobuf bodies carry raw bytes. Returns null for an absent
 * (empty) id and undefined for one that is malformed or all zero.
 *
 * @example
 *   otlpId('5B8EFFF798038103D269B633813FC60C', 16) // '5b8efff798038103d269b633813fc60c'
 *   otlpId('W47/95gDgQPSabYzgT/GDA==', 16)         // '5b8efff798038103d269b633813fc60c'
 */
export function otlpId(value: OtlpId | undefined | null, bytes: 8 | 16): string | null | undefined {
  if (value === undefined || value === null || value.length === 0) return null;
  let hex: string | undefined;
  if (typeof value !== 'string') {
    if (value.length === bytes) hex = Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  } else if (value.length === bytes * 2 && HEX.test(value)) {
    hex = value.toLowerCase();
  } else if (BASE64.test(value)) {
    const decoded = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (decoded.length === bytes) hex = decoded.toString('hex');
  }
  if (hex === undefined || /^0+$/.test(hex)) return undefined;
  return hex;
}

/**
 * Epoch nanoseconds (decimal string or number) as epoch milliseconds with microsecond precision.
 * Returns undefined for a value that is not a non-negative integer.
 */
export function nanosToMs(value: OtlpInt64 | undefined | null): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value / 1e6 : undefined;
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return undefined;
  // Split to stay exact: a double holds epoch microseconds, but not nanoseconds.
  const micros = value.length > 3 ? Number(value.slice(0, -3)) : 0;
  return micros / 1000;
}

/** A 64-bit integer as a JS number when it is exactly representable, else as its decimal string. */
export function int64(value: OtlpInt64): number | string {
  if (typeof value === 'number') return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/** An OTLP AnyValue as plain JSON (objects for kvlists, arrays for arrays). */
export function anyValueToJson(value: OtlpAnyValue | undefined, depth = 0): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return int64(value.intValue);
  if (value.doubleValue !== undefined) return double(value.doubleValue);
  if (value.bytesValue !== undefined) return bytesText(value.bytesValue);
  // The protocol's own nesting limit keeps a hostile document from costing more than this walk.
  if (depth > 32) return null;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map((v) => anyValueToJson(v, depth + 1));
  if (value.kvlistValue !== undefined) {
    const out: Record<string, unknown> = {};
    for (const kv of value.kvlistValue.values ?? []) {
      if (typeof kv?.key === 'string') Object.defineProperty(out, kv.key, { value: anyValueToJson(kv.value, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}

/**
 * An AnyValue as a span attribute (flat: a scalar or an array of scalars). Structured values
 * (kvlists, arrays of arrays) are kept as JSON text.
 */
export function anyValueToAttribute(value: OtlpAnyValue | undefined): AttributeValue {
  const json = anyValueToJson(value);
  if (json === null || typeof json !== 'object') return json as AttributeValue;
  if (Array.isArray(json) && json.every((item) => item === null || typeof item !== 'object')) return json as AttributeValue;
  return JSON.stringify(json);
}

/** OTLP key-values as attributes; later duplicates win, at most `limit` keys. */
export function toAttributes(list: OtlpKeyValue[] | undefined, limit: number): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  let count = 0;
  for (const kv of list) {
    if (typeof kv?.key !== 'string' || kv.key === '' || kv.key === '__proto__') continue;
    if (!Object.hasOwn(out, kv.key)) {
      if (count === limit) continue;
      count++;
    }
    out[kv.key] = anyValueToAttribute(kv.value);
  }
  return out;
}

function double(value: number | string): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  const n = Number(value);
  return Number.isFinite(n) ? n : value; // "NaN", "Infinity" per the protobuf JSON mapping
}

function bytesText(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
}
