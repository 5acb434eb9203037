const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Reads a duration: a number of milliseconds, or text like `"1500ms"`, `"30s"`, `"5m"`,
 * `"1h30m"`, `"2d"`. Returns undefined when the text is not a duration.
 *
 * @example
 *   parseDuration('1h30m') // 5400000
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const pattern = /\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
    matched += match[0].length;
  }
  return matched === text.length && matched > 0 ? total : undefined;
}
