/** USD per 1,000,000 tokens. Cache prices fall back to the input price when absent. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** The file format of data/prices.json and of a user's <data folder>/prices.json. */
export interface PriceFile {
  models: Record<string, ModelPrice | null>;
}

export interface PriceMatch {
  /** The table entry that matched. */
  key: string;
  price: ModelPrice;
}

// What may follow a table name for a prefix match: a date or version of the same model
// (-2024-08-06, -20241022, -0613, -002, -v2:0, -latest, @20240620), never another model
// (gpt-4o-mini is not gpt-4o, gpt-4.5 is not gpt-4).
const VERSION_SUFFIX = /^[-@:](\d{4}-?\d{2}-?\d{2}|\d{3,4}|v\d[\w.]*|latest|preview)(?:$|[-@:.])/;
// Provider prefixes some gateways put in front of the model name.
const PROVIDER_PREFIX = /^(?:[\w.-]+\/)+|^(?:(?:us|eu|apac|global)\.)?(?:anthropic|openai|google|meta|mistral|cohere|amazon)\./;

/**
 * A price table keyed by model name. Lookup: the exact name (case-insensitive), then the longest
 * table name that prefixes it with only a date or version suffix after it, then the same after
 * stripping a provider prefix ("openai/gpt-4o", "us.anthropic.claude-…"). Keys ending in `*`
 * match any suffix. Unknown models get no price, so a cost is never guessed.
 *
 * @example
 *   const table = new PriceTable({ 'gpt-4o': { input: 2.5, output: 10 } });
 *   table.lookup('gpt-4o-2024-08-06')?.key // 'gpt-4o'
 *   table.lookup('gpt-4o-mini')            // undefined
 */
export class PriceTable {
  private readonly exact = new Map<string, PriceMatch>();
  /** Longest first, so the most specific name wins. */
  private readonly prefixes: { prefix: string; any: boolean; match: PriceMatch }[] = [];
  private readonly cache = new Map<string, PriceMatch | null>();

  constructor(models: Record<string, ModelPrice>) {
    for (const [key, price] of Object.entries(models)) {
      const name = key.toLowerCase();
      const any = name.endsWith('*');
      const prefix = any ? name.slice(0, -1) : name;
      if (!any) this.exact.set(name, { key, price });
      this.prefixes.push({ prefix, any, match: { key, price } });
    }
    this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  get size(): number {
    return this.prefixes.length;
  }

  lookup(model: string): PriceMatch | undefined {
    const name = model.trim().toLowerCase();
    let hit = this.cache.get(name);
    if (hit === undefined) {
      hit = this.find(name) ?? this.find(name.replace(PROVIDER_PREFIX, '')) ?? null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(name, hit);
    }
    return hit ?? undefined;
  }

  private find(name: string): PriceMatch | undefined {
    if (name === '') return undefined;
    const exact = this.exact.get(name);
    if (exact) return exact;
    for (const { prefix, any, match } of this.prefixes) {
      if (!name.startsWith(prefix) || name.length === prefix.length) continue;
      if (any || VERSION_SUFFIX.test(name.slice(prefix.length))) return match;
    }
    return undefined;
  }
}

/** Tokens of one LLM call, as the GenAI conventions count them. */
export interface TokenCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/**
 * Cost in USD. Per the OpenTelemetry GenAI conventions, input tokens include cached ones, so the
 * cache reads and writes are taken out of the input count and priced at their own rates. When the
 * cache counts exceed the input count, the sender counted them apart (Anthropic's API does), and
 * input is priced as it is.
 *
 * @example
 *   costUsd({ input: 2.5, output: 10, cacheRead: 1.25 }, { input: 1000, output: 100, cacheRead: 400 })
 *   // (600 * 2.5 + 400 * 1.25 + 100 * 10) / 1e6 = 0.003
 */
export function costUsd(price: ModelPrice, tokens: TokenCounts): number {
  const input = tokens.input ?? 0;
  const cacheRead = tokens.cacheRead ?? 0;
  const cacheWrite = tokens.cacheWrite ?? 0;
  const uncached = cacheRead + cacheWrite <= input ? input - cacheRead - cacheWrite : input;
  const micro =
    uncached * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (tokens.output ?? 0) * price.output;
  // Rounded to 1e-8 USD, so sums over many spans carry no float noise.
  return Math.round(micro * 100) / 1e8;
}
