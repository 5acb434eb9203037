import { describe, expect, it } from 'vitest';
import { ExpressionError, TemplateError, evaluate, inspectTemplates, parseExpression, renderDeep, strict } from './index.js';
import { MAX_EXPRESSION_DEPTH } from './parser.js';

const scope = {
  input: { n: 3, items: [{ name: 'a', price: 2 }, { name: 'b', price: 5 }], tags: ['x', 'y'], empty: '' },
  trigger: { body: { name: 'Ada' } },
  nodes: { 'fetch-user': { output: { id: 7 } }, hello: { output: { message: 'hi' } } },
  env: { REGION: 'eu' },
  secrets: strict({ TOKEN: 's3cret' }, (key) => `no secret named "${key}"`),
};

describe('expressions', () => {
  // The value, operator, filter and error cases live in packages/protocol/cases/expressions.json,
  // shared with the Python export's runtime (expression-cases.test.ts runs them here).
  it('reports the position of a syntax error', () => {
    expect(() => parseExpression('a +')).toThrow(ExpressionError);
    try {
      parseExpression('1 + * 2');
      expect.unreachable();
    } catch (error) {
      expect((error as ExpressionError).pos).toBe(4);
    }
  });

  it('refuses expressions nested deeper than the limit', () => {
    expect(() => parseExpression('('.repeat(200) + '1' + ')'.repeat(200))).toThrow(/nested too deeply/);
    expect(() => parseExpression('!'.repeat(500) + 'a')).toThrow(/nested too deeply/);
  });

  // Chains nest one level per link: unbounded, they overflowed the stack when evaluated or inspected.
  const chains: [string, (n: number) => string][] = [
    ['a + chain', (n) => Array(n).fill('1').join(' + ')],
    ['a || chain', (n) => Array(n).fill('input.n').join(' || ')],
    ['a property chain', (n) => `input${'.a'.repeat(n)}`],
    ['an index chain', (n) => `input${'[0]'.repeat(n)}`],
    ['a filter chain', (n) => `"x"${' | upper'.repeat(n)}`],
    ['a conditional chain', (n) => `${'input.n ? 1 : '.repeat(n)}0`],
    ['nested arrays', (n) => `${'['.repeat(n)}1${']'.repeat(n)}`],
    ['nested objects', (n) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`],
    ['nested filter arguments', (n) => `${'input | default('.repeat(n)}1${')'.repeat(n)}`],
  ];
  for (const [name, build] of chains) {
    it(`bounds the depth of ${name} in the parser, with kind "too_deep"`, () => {
      expect(() => evaluate(parseExpression(build(20)), scope)).not.toThrow(/deep|stack/);
      for (const n of [MAX_EXPRESSION_DEPTH + 1, 12_000]) {
        let caught: unknown;
        try {
          parseExpression(build(n));
        } catch (error) {
          caught = error;
        }
        expect(caught, `${name} × ${n}`).toBeInstanceOf(ExpressionError);
        expect((caught as ExpressionError).kind).toBe('too_deep');
        expect((caught as Error).message).toMatch(/nested too deeply/);
      }
      const { problems } = inspectTemplates({ value: `{{ ${build(12_000)} }}` });
      expect(problems.map((p) => p.kind)).toEqual(['too_deep']);
    });
  }
});

describe('templates', () => {
  it('renders deep values and names the failing field', () => {
    expect(renderDeep({ a: ['{{ input.n }}', { b: '{{ env.REGION }}-x' }] }, scope)).toEqual({ a: [3, { b: 'eu-x' }] });
    try {
      renderDeep({ headers: { Authorization: 'Bearer {{ secrets.MISSING }}' } }, scope, 'config');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).path).toBe('config.headers.Authorization');
      expect((error as TemplateError).expression).toBe('secrets.MISSING');
      expect((error as Error).message).toBe('config.headers.Authorization: no secret named "MISSING" in {{ secrets.MISSING }}');
    }
  });

  it('inspects templates statically', () => {
    const { references, problems } = inspectTemplates({
      a: '{{ nodes.fetch.output.x }} and {{ nodes["other-node"].output }}',
      b: ['{{ secrets.TOKEN | upper }}', '{{ input | bogus }}', '{{ 1 + }}'],
    });
    expect(references.filter((r) => r.root === 'nodes').map((r) => r.nodeId)).toEqual(['fetch', 'other-node']);
    expect(references.find((r) => r.root === 'secrets')?.key).toBe('TOKEN');
    expect(problems.map((p) => p.path)).toEqual(['b[1]', 'b[2]']);
    expect(problems[0]?.message).toMatch(/unknown filter "bogus"/);
  });
});
