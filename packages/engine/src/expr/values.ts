/** Value helpers shared by the evaluator and the filters: JSON semantics, no host objects. */

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Objects whose missing keys are an error rather than `undefined` (secrets). */
const strictObjects = new WeakMap<object, (key: string) => string>();

/** Marks `record` so that reading a missing key fails with `describe(key)`. */
export function strict<T extends object>(record: T, describe: (key: string) => string): T {
  strictObjects.set(record, describe);
  return record;
}

export type MemberResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Own properties of plain objects and arrays, `length` of strings and arrays; nothing else. */
export function member(object: unknown, key: unknown): MemberResult {
  if (object === null || object === undefined) return { ok: true, value: undefined };
  if (typeof key !== 'string' && typeof key !== 'number') return { ok: false, message: `a key must be a string or a number, not ${typeName(key)}` };
  const name = String(key);
  if (FORBIDDEN_KEYS.has(name)) return { ok: false, message: `"${name}" cannot be read` };
  if (typeof object === 'string') {
    if (name === 'length') return { ok: true, value: object.length };
    if (typeof key === 'number') return { ok: true, value: object.charAt(key) || undefined };
    return { ok: true, value: undefined };
  }
  if (Array.isArray(object)) {
    if (name === 'length') return { ok: true, value: object.length };
    if (typeof key === 'number' || /^-?\d+$/.test(name)) {
      const index = Number(name);
      return { ok: true, value: object[index < 0 ? object.length + index : index] };
    }
    return { ok: true, value: undefined };
  }
  if (typeof object !== 'object') return { ok: true, value: undefined };
  if (Object.hasOwn(object, name)) return { ok: true, value: (object as Record<string, unknown>)[name] };
  const describe = strictObjects.get(object);
  if (describe) return { ok: false, message: describe(name) };
  return { ok: true, value: undefined };
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function truthy(value: unknown): boolean {
  return Boolean(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** How a value reads inside a text: strings as they are, objects as JSON, nothing as "". */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}
