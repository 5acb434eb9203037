import { describe, expect, it } from 'vitest';
import { ExpressionError, TemplateError, evaluate, inspectTemplates, parseExpression, renderDeep, renderTemplate, strict } from './index.js';
import { MAX_EXPRESSION_DEPTH } from './parser.js';

const scope = {
  input: { n: 3, items: [{ name: 'a', price: 2 }, { name: 'b', price: 5 }], tags: ['x', 'y'], empty: '' },
  trigger: { body: { name: 'Ada' } },
  nodes: { 'fetch-user': { output: { id: 7 } }, hello: { output: { message: 'hi' } } },
  env: { REGION: 'eu' },
  secrets: strict({ TOKEN: 's3cret' }, (key) => `no secret named "${key}"`),
};

const ev = (source: string) => evaluate(parseExpression(source), scope);

describe('expressions', () => {
  it('reads paths, brackets and negative indexes', () => {
    expect(ev('trigger.body.name')).toBe('Ada');
    expect(ev('nodes["fetch-user"].output.id')).toBe(7);
    expect(ev('nodes.hello.output.message')).toBe('hi');
    expect(ev('input.items[1].name')).toBe('b');
    expect(ev('input.items[-1].price')).toBe(5);
    expect(ev('input.tags.length')).toBe(2);
    expect(ev('input.missing.deeper')).toBeUndefined();
  });

  it('computes with operators and precedence', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('input.n > 2 && input.n <= 3')).toBe(true);
    expect(ev('input.n == 3 ? "three" : "other"')).toBe('three');
    expect(ev('input.missing ?? "fallback"')).toBe('fallback');
    expect(ev('"a" + 1')).toBe('a1');
    expect(ev('!input.empty')).toBe(true);
    expect(ev('-input.n')).toBe(-3);
    expect(ev('input.tags == ["x", "y"]')).toBe(true);
    expect(ev('{a: 1, "b c": [true, null]}')).toEqual({ a: 1, 'b c': [true, null] });
    expect(ev('10 % 4')).toBe(2);
    expect(ev('input.n === 3')).toBe(true);
  });

  it('applies filters, tighter than operators', () => {
    expect(ev('trigger.body.name | upper')).toBe('ADA');
    expect(ev('input.missing | default("x") | upper')).toBe('X');
    expect(ev('input.items | map("price") | sum')).toBe(7);
    expect(ev('input.items | where("name", "b") | first')).toEqual({ name: 'b', price: 5 });
    expect(ev('input.tags | join(", ")')).toBe('x, y');
    expect(ev('input.items | length > 1')).toBe(true);
    expect(ev('"1.5" | number | round')).toBe(2);
    expect(ev('3.14159 | round(2)')).toBe(3.14);
    expect(ev('input | pick("n") | json')).toBe('{"n":3}');
    expect(ev('"{\\"a\\":1}" | parse_json')).toEqual({ a: 1 });
    expect(ev('0 | iso')).toBe('1970-01-01T00:00:00.000Z');
    expect(ev('"a,b" | split(",") | reverse')).toEqual(['b', 'a']);
  });

  it('never reaches host objects', () => {
    expect(() => ev('input.constructor')).toThrow(/cannot be read/);
    expect(() => ev('input["__proto__"]')).toThrow(/cannot be read/);
    expect(() => ev('input.tags.constructor.constructor')).toThrow(/cannot be read/);
    expect(ev('input.tags.map')).toBeUndefined();
    expect(ev('trigger.body.name.toUpperCase')).toBeUndefined();
  });

  it('reports errors with their position', () => {
    expect(() => parseExpression('a +')).toThrow(ExpressionError);
    expect(() => parseExpression('a b')).toThrow(/unexpected "b"/);
    expect(() => parseExpression('"open')).toThrow(/unterminated string/);
    expect(() => ev('process.env')).toThrow(/unknown name "process"/);
    expect(() => ev('input | nope')).toThrow(/unknown filter "nope"/);
    expect(() => ev('input.items + 1')).toThrow(/cannot add array and number/);
    expect(() => ev('1 / 0')).toThrow(/finite/);
    expect(() => ev('input.n | upper')).not.toThrow();
    expect(() => ev('input.items | upper')).toThrow(/upper needs a string, not array/);
    expect(() => ev('secrets.NOPE')).toThrow(/no secret named "NOPE"/);
    try {
      parseExpression('1 + * 2');
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
  it('interpolates text and keeps the type of a lone expression', () => {
    expect(renderTemplate('Hello, {{ trigger.body.name }}!', scope)).toBe('Hello, Ada!');
    expect(renderTemplate('{{ input.n }}', scope)).toBe(3);
    expect(renderTemplate('{{input.items}}', scope)).toEqual(scope.input.items);
    expect(renderTemplate('n={{ input.n }} items={{ input.tags }}', scope)).toBe('n=3 items=["x","y"]');
    expect(renderTemplate('missing: [{{ input.nope }}]', scope)).toBe('missing: []');
    expect(renderTemplate('no template', scope)).toBe('no template');
    expect(renderTemplate('literal \\{{ braces }}', scope)).toBe('literal {{ braces }}');
    expect(renderTemplate('{{ {a: {b: 1}} }}', scope)).toEqual({ a: { b: 1 } });
    expect(renderTemplate('{{ "}}" }}', scope)).toBe('}}');
  });

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
