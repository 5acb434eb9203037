import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { track } from './index.js';
import { memorySdk } from './testing/memory-sdk.js';

// Vitest's transformer does not implement TC39 decorators, so the classes are compiled by the
// TypeScript compiler itself, exactly as a user's build would compile them.
function compile(source: string, experimentalDecorators: boolean): (t: typeof track) => Record<string, unknown> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, experimentalDecorators },
  });
  return new Function('track', `${outputText}\nreturn { Shop };`) as (t: typeof track) => Record<string, unknown>;
}

const SHOP = `
class Shop {
  constructor() { this.discount = 0.1; }
  @track
  price(amount) { return amount * (1 - this.discount); }
  @track({ name: 'Shop.pay', kind: 'tool' })
  async pay(amount) { await new Promise((r) => setTimeout(r, 2)); return this.price(amount); }
  @track
  static create() { return new Shop(); }
}
`;

describe.each([
  ['TS 5 standard decorators', false],
  ['legacy experimentalDecorators', true],
])('%s', (_label, legacy) => {
  it('tracks methods with Class.method names, this, nesting and async', async () => {
    const sdk = memorySdk();
    const { Shop } = compile(SHOP, legacy)(track) as { Shop: { create(): { pay(n: number): Promise<number> } } };
    const shop = Shop.create();
    await expect(shop.pay(100)).resolves.toBe(90);
    const spans = await sdk.spans();
    expect(spans.map((s) => [s.name, s.kind])).toEqual([
      ['Shop.create', 'function'],
      ['Shop.pay', 'tool'],
      ['Shop.price', 'function'],
    ]);
    expect(spans[2]!.parentSpanId).toBe(spans[1]!.spanId);
    expect(spans[2]).toMatchObject({ input: [100], output: 90 });
  });
});
