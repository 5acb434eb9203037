/**
 * Tool results go into a model's context window: a 1 MiB prompt stored on a span must not fill it.
 * Long strings are cut (saying how much was left out) and the whole reply has a ceiling.
 */
const MAX_STRING = 4_000;
const MAX_TOTAL = 100_000;

function cut(value: unknown, maxString: number): unknown {
  if (typeof value === 'string') {
    return value.length <= maxString ? value : `${value.slice(0, maxString)}… (${value.length - maxString} more characters; get_span shows one span in full up to its own limit)`;
  }
  if (Array.isArray(value)) return value.map((item) => cut(item, maxString));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = cut(item, maxString);
    return out;
  }
  return value;
}

/** JSON text of `value` with long strings cut, halving the string limit until it fits `maxTotal`. */
export function boundedJson(value: unknown, options: { maxString?: number; maxTotal?: number } = {}): string {
  const maxTotal = options.maxTotal ?? MAX_TOTAL;
  let maxString = options.maxString ?? MAX_STRING;
  let text = JSON.stringify(cut(value, maxString), null, 1);
  while (text.length > maxTotal && maxString > 100) {
    maxString = Math.floor(maxString / 2);
    text = JSON.stringify(cut(value, maxString), null, 1);
  }
  if (text.length > maxTotal) text = `${text.slice(0, maxTotal)}\n… (reply cut at ${maxTotal} characters: ask for fewer items with limit)`;
  return text;
}
