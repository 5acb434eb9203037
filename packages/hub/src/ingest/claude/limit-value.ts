/**
 * Bounds a JSON value before it becomes a span's input or output. Tool results can be whole files
 * and transcripts hold every byte the agent saw; the hub keeps a readable prefix, marks what it
 * cut, and stays far below the per-record limit of the ingest path.
 */
export interface ValueLimits {
  maxString: number;
  maxArray: number;
  maxKeys: number;
  maxDepth: number;
}

export const DEFAULT_VALUE_LIMITS: ValueLimits = { maxString: 16_384, maxArray: 100, maxKeys: 100, maxDepth: 12 };

/** Serialized size above which limits are tightened once more. */
const MAX_SERIALIZED = 200_000;

export function limitValue(value: unknown, limits: ValueLimits = DEFAULT_VALUE_LIMITS): unknown {
  if (value === undefined) return undefined;
  const limited = limit(value, limits, 0);
  if (JSON.stringify(limited).length <= MAX_SERIALIZED) return limited;
  const tighter = { maxString: 1024, maxArray: 20, maxKeys: 40, maxDepth: 6 };
  return limit(value, tighter, 0);
}

export function limitString(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [truncated ${text.length - max} chars]`;
}

function limit(value: unknown, limits: ValueLimits, depth: number): unknown {
  if (typeof value === 'string') return limitString(value, limits.maxString);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  }
  if (depth >= limits.maxDepth) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, limits.maxArray).map((item) => limit(item, limits, depth + 1));
    if (value.length > limits.maxArray) items.push(`[… ${value.length - limits.maxArray} more items]`);
    return items;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, limits.maxKeys)) {
    if (item !== undefined) out[key] = limit(item, limits, depth + 1);
  }
  if (entries.length > limits.maxKeys) out['…'] = `${entries.length - limits.maxKeys} more keys`;
  return out;
}
