import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Attributes, SpanUsage } from '@runtime-hub/protocol';
import { deriveCacheTokens } from '../ingest/usage.js';
import { parsePriceFile } from './price-file.js';
import { costUsd, PriceTable, type ModelPrice } from './price-table.js';

/** The built-in table, shipped as a data file next to dist/ and src/. */
export const DEFAULT_PRICES_PATH = new URL('../../data/prices.json', import.meta.url);
export const OVERRIDE_FILE = 'prices.json';


export interface PricingLog {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface PricingOptions {
  /** The hub's data folder; `<dataDir>/prices.json` overrides and extends the built-in table. */
  dataDir?: string;
  log?: PricingLog;
  /** How often the override file is checked for changes (ms). */
  checkIntervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Prices LLM spans: the built-in table (data/prices.json) merged with the user's
 * `<data folder>/prices.json`, which is re-read when it changes. A span is priced when it names a
 * model the table knows and counts tokens; otherwise it keeps its tokens and gets no cost.
 *
 * @example
 *   const pricing = new Pricing({ dataDir: './.runtime-hub' });
 *   pricing.apply({ model: 'gpt-4o', inputTokens: 1000, outputTokens: 100 }, attributes).costUsd // 0.0035
 */
export class Pricing {
  private readonly defaults: Record<string, ModelPrice>;
  private readonly overridePath: string | undefined;
  private readonly checkIntervalMs: number;
  private readonly now: () => number;
  private table: PriceTable;
  private lastCheck = -Infinity;
  private overrideMtime: number | undefined;

  constructor(private readonly options: PricingOptions = {}) {
    this.defaults = loadDefaults();
    this.overridePath = options.dataDir === undefined ? undefined : join(options.dataDir, OVERRIDE_FILE);
    this.checkIntervalMs = options.checkIntervalMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.table = new PriceTable(this.defaults);
    this.refresh();
  }

  /** The table in effect (after the override file, as of the last check). */
  current(): PriceTable {
    this.refresh();
    return this.table;
  }

  /** Returns `usage` with `costUsd` set when the model has a price. */
  apply(usage: SpanUsage, attributes: Attributes | undefined): SpanUsage {
    if (usage.model === undefined || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return usage;
    const match = this.current().lookup(usage.model);
    if (match === undefined) return usage;
    const cache = deriveCacheTokens(attributes);
    return { ...usage, costUsd: costUsd(match.price, { input: usage.inputTokens, output: usage.outputTokens, ...cache }) };
  }

  private refresh(): void {
    if (this.overridePath === undefined) return;
    const now = this.now();
    if (now - this.lastCheck < this.checkIntervalMs) return;
    this.lastCheck = now;
    let mtime: number | undefined;
    try {
      mtime = statSync(this.overridePath).mtimeMs;
    } catch {
      mtime = undefined;
    }
    if (mtime === this.overrideMtime) return;
    this.overrideMtime = mtime;
    this.table = new PriceTable(mtime === undefined ? this.defaults : this.merged(this.overridePath));
  }

  private merged(path: string): Record<string, ModelPrice> {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      this.options.log?.warn({ path, err: error }, 'cannot read the price override; using the built-in prices');
      return this.defaults;
    }
    const parsed = parsePriceFile(text);
    if (parsed.problems.length > 0) {
      this.options.log?.warn({ path, problems: parsed.problems }, 'price override: some entries were skipped');
    }
    const models: Record<string, ModelPrice> = parsed.replaceDefaults ? {} : { ...this.defaults };
    for (const [name, price] of Object.entries(parsed.models)) {
      if (price === null) delete models[name];
      else models[name] = price;
    }
    this.options.log?.info({ path, models: Object.keys(parsed.models).length }, 'price override loaded');
    return models;
  }
}

function loadDefaults(): Record<string, ModelPrice> {
  const parsed = parsePriceFile(readFileSync(DEFAULT_PRICES_PATH, 'utf8'));
  // The built-in file is ours: a problem in it is a bug, caught by the tests, not a user error.
  if (parsed.problems.length > 0) throw new Error(`data/prices.json: ${parsed.problems.join('; ')}`);
  const models: Record<string, ModelPrice> = {};
  for (const [name, price] of Object.entries(parsed.models)) if (price !== null) models[name] = price;
  return models;
}
