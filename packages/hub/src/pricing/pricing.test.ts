import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePriceFile } from './price-file.js';
import { costUsd, PriceTable } from './price-table.js';
import { Pricing } from './pricing.js';

describe('PriceTable lookup', () => {
  const table = new PriceTable({
    'gpt-4o': { input: 2.5, output: 10 },
    'gpt-4o-mini': { input: 0.15, output: 0.6 },
    'gpt-4o-2024-05-13': { input: 5, output: 15 },
    'gpt-4': { input: 30, output: 60 },
    'claude-3-5-sonnet': { input: 3, output: 15 },
    'claude-sonnet-4': { input: 3, output: 15 },
    'claude-sonnet-4-5': { input: 3.5, output: 16 },
    'gemini-1.5-pro': { input: 1.25, output: 5 },
    'my-finetune-*': { input: 9, output: 9 },
  });
  const key = (model: string) => table.lookup(model)?.key;

  it('matches the exact name first, case-insensitively', () => {
    expect(key('gpt-4o')).toBe('gpt-4o');
    expect(key('GPT-4o-2024-05-13')).toBe('gpt-4o-2024-05-13');
  });

  it('matches dated and versioned snapshots by the longest prefix', () => {
    expect(key('gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(key('gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini');
    expect(key('gpt-4-0613')).toBe('gpt-4');
    expect(key('claude-3-5-sonnet-20241022')).toBe('claude-3-5-sonnet');
    expect(key('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(key('claude-sonnet-4-20250514')).toBe('claude-sonnet-4');
    expect(key('claude-3-5-sonnet@20240620')).toBe('claude-3-5-sonnet');
    expect(key('gemini-1.5-pro-002')).toBe('gemini-1.5-pro');
    expect(key('gpt-4o-latest')).toBe('gpt-4o');
  });

  it('strips provider prefixes of gateways and clouds', () => {
    expect(key('openai/gpt-4o')).toBe('gpt-4o');
    expect(key('models/gemini-1.5-pro')).toBe('gemini-1.5-pro');
    expect(key('us.anthropic.claude-3-5-sonnet-20241022-v2:0')).toBe('claude-3-5-sonnet');
  });

  it('never gives a different model the price of a shorter name', () => {
    expect(key('gpt-4.5-preview')).toBeUndefined();
    expect(key('gpt-4o-audio-preview')).toBeUndefined();
    expect(key('gpt-4-turbo')).toBeUndefined();
    expect(key('claude-sonnet-4-1')).toBeUndefined();
    expect(key('llama-3-70b')).toBeUndefined();
    expect(key('')).toBeUndefined();
  });

  it('lets a key ending in * match any suffix', () => {
    expect(key('my-finetune-abc123')).toBe('my-finetune-*');
  });
});

describe('costUsd', () => {
  const price = { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 3 };

  it('prices input and output per million tokens', () => {
    expect(costUsd(price, { input: 1_000_000, output: 1_000_000 })).toBe(12.5);
    expect(costUsd(price, { input: 1000, output: 100 })).toBe(0.0035);
  });

  it('takes cached tokens out of the input count (GenAI conventions) and prices them apart', () => {
    expect(costUsd(price, { input: 1000, output: 100, cacheRead: 400, cacheWrite: 100 })).toBe((500 * 2.5 + 400 * 1.25 + 100 * 3 + 100 * 10) / 1e6);
  });

  it('treats cache counts larger than the input as counted apart (Anthropic style)', () => {
    expect(costUsd(price, { input: 10, output: 0, cacheRead: 1000 })).toBe((10 * 2.5 + 1000 * 1.25) / 1e6);
  });

  it('uses the input price for cache tokens when the model has no cache price', () => {
    expect(costUsd({ input: 1, output: 2 }, { input: 100, cacheRead: 50 })).toBe(100 / 1e6);
  });
});

describe('price files', () => {
  it('skips bad entries with a precise reason and keeps the rest', () => {
    const parsed = parsePriceFile(
      JSON.stringify({ models: { good: { input: 1, output: 2, cacheRead: 0.5 }, bad: { input: -1, output: 2 }, half: { input: 1 }, gone: null } }),
    );
    expect(parsed.models).toEqual({ good: { input: 1, output: 2, cacheRead: 0.5 }, gone: null });
    expect(parsed.problems).toEqual([
      'models.bad: input must be a non-negative number of USD per million tokens (got -1)',
      'models.half: output must be a non-negative number of USD per million tokens (got null)',
    ]);
  });

  it('reports a file that is not JSON or has no models', () => {
    expect(parsePriceFile('{').problems[0]).toMatch(/^not valid JSON/);
    expect(parsePriceFile('[]').problems[0]).toMatch(/must be a JSON object/);
    expect(parsePriceFile('{}').problems).toEqual(['models: must be an object mapping model names to prices']);
  });
});

describe('Pricing', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-pricing-'));
    dirs.push(dir);
    return dir;
  };

  it('ships a valid built-in table with the common models', () => {
    const table = new Pricing().current();
    expect(table.size).toBeGreaterThan(20);
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3-mini', 'claude-sonnet-4-5-20250929', 'claude-3-5-haiku-20241022', 'gemini-2.5-flash']) {
      expect(table.lookup(model), model).toBeDefined();
    }
  });

  it('prices usage with cache tokens from attributes, and leaves unknown models without cost', () => {
    const pricing = new Pricing();
    const attributes = { 'gen_ai.usage.cache_read.input_tokens': 400 };
    expect(pricing.apply({ model: 'gpt-4o-2024-08-06', inputTokens: 1000, outputTokens: 100 }, attributes)).toEqual({
      model: 'gpt-4o-2024-08-06',
      inputTokens: 1000,
      outputTokens: 100,
      costUsd: (600 * 2.5 + 400 * 1.25 + 100 * 10) / 1e6,
    });
    expect(pricing.apply({ model: 'acme-llm-7', inputTokens: 10, outputTokens: 5 }, {})).toEqual({ model: 'acme-llm-7', inputTokens: 10, outputTokens: 5 });
    expect(pricing.apply({ inputTokens: 10 }, {})).toEqual({ inputTokens: 10 });
    expect(pricing.apply({ model: 'gpt-4o' }, {})).toEqual({ model: 'gpt-4o' });
  });

  it('applies <data>/prices.json over the defaults and re-reads it when it changes', () => {
    const dir = dataDir();
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ models: { 'acme-llm': { input: 1, output: 1 }, 'gpt-4o': { input: 100, output: 100 }, 'gpt-4o-mini': null } }));
    let now = 0;
    const warnings: unknown[] = [];
    const pricing = new Pricing({ dataDir: dir, now: () => now, log: { warn: (o) => warnings.push(o), info: () => {} } });
    expect(pricing.apply({ model: 'acme-llm', inputTokens: 1_000_000 }, {}).costUsd).toBe(1);
    expect(pricing.apply({ model: 'gpt-4o', inputTokens: 1_000_000 }, {}).costUsd).toBe(100);
    expect(pricing.apply({ model: 'gpt-4o-mini', inputTokens: 1_000_000 }, {}).costUsd).toBeUndefined();
    expect(pricing.apply({ model: 'claude-3-haiku', inputTokens: 1_000_000 }, {}).costUsd).toBe(0.25);

    writeFileSync(file, JSON.stringify({ replaceDefaults: true, models: { 'acme-llm': { input: 2, output: 2 }, typo: { input: 'x', output: 1 } } }));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    now += 1_000;
    expect(pricing.apply({ model: 'acme-llm', inputTokens: 1_000_000 }, {}).costUsd).toBe(1);
    now += 5_000;
    expect(pricing.apply({ model: 'acme-llm', inputTokens: 1_000_000 }, {}).costUsd).toBe(2);
    expect(pricing.apply({ model: 'claude-3-haiku', inputTokens: 1_000_000 }, {}).costUsd).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});
