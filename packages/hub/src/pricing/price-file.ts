import type { ModelPrice, PriceFile } from './price-table.js';

const FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

export interface ParsedPrices {
  /** Entries to set; null removes a default entry. */
  models: Record<string, ModelPrice | null>;
  /** Drop the built-in table and use only this file's entries. */
  replaceDefaults: boolean;
  /** One line per entry that was skipped, saying which and why. */
  problems: string[];
}

/**
 * Reads a price file (data/prices.json, or a user's override). Entries with a problem are skipped
 * and reported; the rest are used, so one typo does not disable every price.
 *
 * @example
 *   parsePriceFile('{"models":{"my-model":{"input":1,"output":2}}}').models // { 'my-model': { input: 1, output: 2 } }
 */
export function parsePriceFile(text: string): ParsedPrices {
  const result: ParsedPrices = { models: {}, replaceDefaults: false, problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    result.problems.push(`not valid JSON: ${(error as Error).message}`);
    return result;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    result.problems.push('the file must be a JSON object: { "models": { "<model>": { "input": …, "output": … } } }');
    return result;
  }
  const file = json as Partial<PriceFile> & { replaceDefaults?: unknown };
  result.replaceDefaults = file.replaceDefaults === true;
  const models = file.models;
  if (models === null || typeof models !== 'object' || Array.isArray(models)) {
    result.problems.push('models: must be an object mapping model names to prices');
    return result;
  }
  for (const [name, entry] of Object.entries(models)) {
    if (name.trim() === '') {
      result.problems.push('models: an entry has an empty name');
      continue;
    }
    if (entry === null) {
      result.models[name] = null;
      continue;
    }
    const problem = checkPrice(entry);
    if (problem !== undefined) result.problems.push(`models.${name}: ${problem}`);
    else result.models[name] = pick(entry as unknown as Record<string, number>);
  }
  return result;
}

function checkPrice(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || Array.isArray(entry) || entry === null) return 'must be an object { input, output, cacheRead?, cacheWrite? } or null';
  const record = entry as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = record[field];
    const required = field === 'input' || field === 'output';
    if (value === undefined && !required) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return `${field} must be a non-negative number of USD per million tokens (got ${JSON.stringify(value ?? null)})`;
    }
  }
  return undefined;
}

function pick(entry: Record<string, number>): ModelPrice {
  const price: ModelPrice = { input: entry.input!, output: entry.output! };
  if (entry.cacheRead !== undefined) price.cacheRead = entry.cacheRead;
  if (entry.cacheWrite !== undefined) price.cacheWrite = entry.cacheWrite;
  return price;
}
