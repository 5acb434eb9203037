import { ExpressionError } from './ast.js';
import { deepEqual, member, toText, typeName } from './values.js';

/**
 * The filters of the expression language: `value | name(args)`. Each one works on JSON values
 * only and fails with a message naming the filter when the value has the wrong type.
 */
export type Filter = (value: unknown, args: unknown[]) => unknown;

function fail(message: string): never {
  throw new ExpressionError(message, -1);
}

function str(value: unknown, filter: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  fail(`${filter} needs a string, not ${typeName(value)}`);
}

function arr(value: unknown, filter: string): unknown[] {
  if (Array.isArray(value)) return value;
  fail(`${filter} needs an array, not ${typeName(value)}`);
}

function num(value: unknown, filter: string): number {
  if (typeof value === 'number') return value;
  fail(`${filter} needs a number, not ${typeName(value)}`);
}

function obj(value: unknown, filter: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  fail(`${filter} needs an object, not ${typeName(value)}`);
}

function path(value: unknown, dotted: unknown): unknown {
  let current = value;
  for (const key of String(dotted).split('.')) {
    const result = member(current, key);
    if (!result.ok) fail(result.message);
    current = result.value;
  }
  return current;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return toText(a) < toText(b) ? -1 : toText(a) > toText(b) ? 1 : 0;
}

export const FILTERS: Record<string, Filter> = {
  upper: (v) => str(v, 'upper').toUpperCase(),
  lower: (v) => str(v, 'lower').toLowerCase(),
  capitalize: (v) => {
    const s = str(v, 'capitalize');
    return s.charAt(0).toUpperCase() + s.slice(1);
  },
  trim: (v) => str(v, 'trim').trim(),
  length: (v) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    return Object.keys(obj(v, 'length')).length;
  },
  default: (v, [fallback]) => (v === undefined || v === null || v === '' ? fallback : v),
  json: (v, [indent]) => JSON.stringify(v ?? null, null, typeof indent === 'number' ? indent : undefined),
  parse_json: (v) => {
    try {
      return JSON.parse(str(v, 'parse_json')) as unknown;
    } catch (error) {
      return fail(`parse_json: ${(error as Error).message}`);
    }
  },
  string: (v) => toText(v),
  number: (v) => {
    const n = typeof v === 'number' ? v : Number(str(v, 'number').trim());
    if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) fail(`number: ${JSON.stringify(v)} is not a number`);
    return n;
  },
  boolean: (v) => (typeof v === 'string' ? !['', 'false', '0', 'no', 'off'].includes(v.trim().toLowerCase()) : Boolean(v)),
  first: (v) => (typeof v === 'string' ? v.charAt(0) : arr(v, 'first')[0]),
  last: (v) => (typeof v === 'string' ? v.charAt(v.length - 1) : arr(v, 'last').at(-1)),
  join: (v, [sep]) => arr(v, 'join').map(toText).join(sep === undefined ? ',' : toText(sep)),
  split: (v, [sep]) => str(v, 'split').split(sep === undefined ? ',' : toText(sep)),
  keys: (v) => Object.keys(obj(v, 'keys')),
  values: (v) => Object.values(obj(v, 'values')),
  entries: (v) => Object.entries(obj(v, 'entries')).map(([key, value]) => ({ key, value })),
  round: (v, [digits]) => {
    const factor = 10 ** (typeof digits === 'number' ? digits : 0);
    return Math.round(num(v, 'round') * factor) / factor;
  },
  floor: (v) => Math.floor(num(v, 'floor')),
  ceil: (v) => Math.ceil(num(v, 'ceil')),
  abs: (v) => Math.abs(num(v, 'abs')),
  slice: (v, [start, end]) => {
    const s = typeof start === 'number' ? start : 0;
    const e = typeof end === 'number' ? end : undefined;
    return typeof v === 'string' ? v.slice(s, e) : arr(v, 'slice').slice(s, e);
  },
  replace: (v, [from, to]) => str(v, 'replace').split(toText(from)).join(toText(to)),
  includes: (v, [needle]) => (typeof v === 'string' ? v.includes(toText(needle)) : arr(v, 'includes').some((item) => deepEqual(item, needle))),
  map: (v, [key]) => arr(v, 'map').map((item) => path(item, key)),
  where: (v, [key, value]) => arr(v, 'where').filter((item) => (value === undefined ? Boolean(path(item, key)) : deepEqual(path(item, key), value))),
  sum: (v) => arr(v, 'sum').reduce<number>((total, item) => total + num(item, 'sum'), 0),
  min: (v) => {
    const items = arr(v, 'min');
    return items.length ? items.reduce((a, b) => (compare(a, b) <= 0 ? a : b)) : null;
  },
  max: (v) => {
    const items = arr(v, 'max');
    return items.length ? items.reduce((a, b) => (compare(a, b) >= 0 ? a : b)) : null;
  },
  unique: (v) => arr(v, 'unique').filter((item, i, all) => all.findIndex((other) => deepEqual(other, item)) === i),
  sort: (v, [key]) => [...arr(v, 'sort')].sort((a, b) => (key === undefined ? compare(a, b) : compare(path(a, key), path(b, key)))),
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...arr(v, 'reverse')].reverse()),
  flatten: (v) => arr(v, 'flatten').flat(),
  pick: (v, keys) => {
    const source = obj(v, 'pick');
    return Object.fromEntries(keys.map(toText).filter((k) => Object.hasOwn(source, k)).map((k) => [k, source[k]]));
  },
  omit: (v, keys) => {
    const drop = new Set(keys.map(toText));
    return Object.fromEntries(Object.entries(obj(v, 'omit')).filter(([k]) => !drop.has(k)));
  },
  truncate: (v, [length]) => {
    const s = str(v, 'truncate');
    const max = typeof length === 'number' ? length : 80;
    return s.length > max ? `${s.slice(0, Math.max(0, max - 1))}…` : s;
  },
  base64: (v) => Buffer.from(str(v, 'base64'), 'utf8').toString('base64'),
  unbase64: (v) => Buffer.from(str(v, 'unbase64'), 'base64').toString('utf8'),
  urlencode: (v) => encodeURIComponent(str(v, 'urlencode')),
  iso: (v) => {
    const date = new Date(typeof v === 'number' ? v : str(v, 'iso'));
    if (Number.isNaN(date.getTime())) fail(`iso: ${JSON.stringify(v)} is not a time`);
    return date.toISOString();
  },
  epoch: (v) => {
    const ms = typeof v === 'number' ? v : Date.parse(str(v, 'epoch'));
    if (Number.isNaN(ms)) fail(`epoch: ${JSON.stringify(v)} is not a time`);
    return ms;
  },
};

export const FILTER_NAMES = Object.keys(FILTERS).sort();
