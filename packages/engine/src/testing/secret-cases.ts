/**
 * Secrets and one expression per filter that derives a value from them, shared by the taint
 * tests. Every filter of the registry must have a case here (the tests check it), so a new filter
 * is covered the day it is added.
 */
export const TAINT_SECRETS: Record<string, string> = {
  TOKEN: 's3cr3t-T0ken-value',
  PIN: '48151623',
  WHEN: '2031-05-06T07:08:09.000Z',
  LIST: 'alpha-one,bravo-two,charlie-three',
  DOC: '{"inner_key":"inner-value-123","n":9876}',
  B64: Buffer.from('hidden-inside-b64', 'utf8').toString('base64'),
};

/** Filter name → an expression that applies it to a value derived from a secret. */
export const FILTER_TAINT_CASES: Record<string, string> = {
  upper: 'secrets.TOKEN | upper',
  lower: 'secrets.TOKEN | lower',
  capitalize: '(secrets.TOKEN | slice(1)) | capitalize',
  trim: '(" " + (secrets.TOKEN | upper) + " ") | trim',
  length: 'secrets.TOKEN | length',
  default: 'input.missing | default(secrets.TOKEN | upper)',
  json: 'secrets.TOKEN | upper | json',
  parse_json: 'secrets.DOC | parse_json',
  string: '{a: secrets.PIN | number} | string',
  number: 'secrets.PIN | number',
  boolean: 'secrets.TOKEN | boolean',
  first: '[secrets.TOKEN | upper, "x"] | first',
  last: '["x", secrets.TOKEN | reverse] | last',
  join: 'secrets.LIST | split(",") | join("+")',
  split: 'secrets.LIST | split(",")',
  keys: 'secrets.DOC | parse_json | keys',
  values: 'secrets.DOC | parse_json | values',
  entries: 'secrets.DOC | parse_json | entries',
  round: '((secrets.PIN | number) * 1.5) | round',
  floor: '((secrets.PIN | number) / 7) | floor',
  ceil: '((secrets.PIN | number) / 7) | ceil',
  abs: '(0 - (secrets.PIN | number)) | abs',
  slice: 'secrets.TOKEN | slice(2, 12)',
  replace: 'secrets.TOKEN | replace("-", "_")',
  includes: 'secrets.TOKEN | includes("T0k")',
  map: 'secrets.DOC | parse_json | entries | map("value")',
  where: 'secrets.DOC | parse_json | entries | where("key", "inner_key")',
  sum: '[secrets.PIN | number, 1] | sum',
  min: '[secrets.PIN | number, 99999999] | min',
  max: '[secrets.PIN | number, 1] | max',
  unique: 'secrets.LIST | split(",") | unique',
  sort: 'secrets.LIST | split(",") | sort',
  reverse: 'secrets.TOKEN | reverse',
  flatten: '[secrets.LIST | split(",")] | flatten',
  pick: 'secrets.DOC | parse_json | pick("inner_key")',
  omit: 'secrets.DOC | parse_json | omit("n")',
  truncate: 'secrets.TOKEN | truncate(10)',
  base64: 'secrets.TOKEN | base64',
  unbase64: 'secrets.B64 | unbase64',
  urlencode: 'secrets.DOC | urlencode',
  iso: '((secrets.WHEN | epoch) + 1000) | iso',
  epoch: 'secrets.WHEN | epoch',
};

/**
 * The texts and numbers inside a value that a reader could recover a secret from, in the form
 * they take in JSON; shorter than 4 characters they are not masked (see docs/workflows.md).
 */
export function recoverable(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 4 ? [value, JSON.stringify(value).slice(1, -1)] : [];
  if (typeof value === 'number') return String(value).length >= 4 ? [String(value)] : [];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(recoverable);
  return [];
}
