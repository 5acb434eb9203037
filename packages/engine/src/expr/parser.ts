import { ExpressionError } from './ast.js';
import type { BinaryOp, Expr } from './ast.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';

/**
 * Parses one expression: JSON-like literals, names and paths (`trigger.body.name`,
 * `nodes["fetch-user"].output`, `items[0]`), `! -`, arithmetic, comparisons, `&& || ??`,
 * `a ? b : c`, and filters that bind tighter than operators (`name | upper`, `x | default(1)`).
 *
 * @example
 *   parseExpression('trigger.body.name | default("world") | upper')
 */
export function parseExpression(source: string): Expr {
  const parser = new Parser(tokenize(source));
  const expr = parser.expression();
  parser.expectEnd();
  return expr;
}

const LEVELS: BinaryOp[][] = [['??'], ['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];
const MAX_DEPTH = 64;

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    return this.tokens[this.index++] as Token;
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token.type === 'op' && token.value === value;
  }

  private expectOp(value: string): void {
    const token = this.next();
    if (token.type !== 'op' || token.value !== value) throw new ExpressionError(`expected "${value}" but found ${describe(token)}`, token.pos);
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.type !== 'eof') throw new ExpressionError(`unexpected ${describe(token)}`, token.pos);
  }

  expression(): Expr {
    if (++this.depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply', this.peek().pos);
    try {
      return this.conditional();
    } finally {
      this.depth--;
    }
  }

  private conditional(): Expr {
    const test = this.binary(0);
    if (!this.isOp('?')) return test;
    const pos = this.next().pos;
    const then = this.expression();
    this.expectOp(':');
    const otherwise = this.expression();
    return { kind: 'conditional', test, then, otherwise, pos };
  }

  private binary(level: number): Expr {
    const ops = LEVELS[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.type !== 'op' || !ops.includes(token.value as BinaryOp)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { kind: 'binary', op: token.value as BinaryOp, left, right, pos: token.pos };
    }
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.type === 'op' && (token.value === '!' || token.value === '-')) {
      this.next();
      if (++this.depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply', token.pos);
      try {
        return { kind: 'unary', op: token.value, operand: this.unary(), pos: token.pos };
      } finally {
        this.depth--;
      }
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let expr = this.primary();
    for (;;) {
      const token = this.peek();
      if (token.type !== 'op') return expr;
      if (token.value === '.' || token.value === '?.') {
        this.next();
        const name = this.next();
        if (name.type !== 'ident') throw new ExpressionError(`expected a property name after "${token.value}"`, name.pos);
        expr = { kind: 'member', object: expr, property: { kind: 'literal', value: name.value, pos: name.pos }, pos: token.pos };
      } else if (token.value === '[') {
        this.next();
        const property = this.expression();
        this.expectOp(']');
        expr = { kind: 'member', object: expr, property, pos: token.pos };
      } else if (token.value === '|') {
        this.next();
        const name = this.next();
        if (name.type !== 'ident') throw new ExpressionError('expected a filter name after "|"', name.pos);
        const args: Expr[] = [];
        if (this.isOp('(')) {
          this.next();
          if (!this.isOp(')')) {
            do args.push(this.expression());
            while (this.isOp(',') && this.next());
          }
          this.expectOp(')');
        }
        expr = { kind: 'filter', name: name.value, input: expr, args, pos: name.pos };
      } else {
        return expr;
      }
    }
  }

  private primary(): Expr {
    const token = this.next();
    switch (token.type) {
      case 'num':
        return { kind: 'literal', value: token.value, pos: token.pos };
      case 'str':
        return { kind: 'literal', value: token.value, pos: token.pos };
      case 'ident':
        if (token.value === 'true') return { kind: 'literal', value: true, pos: token.pos };
        if (token.value === 'false') return { kind: 'literal', value: false, pos: token.pos };
        if (token.value === 'null') return { kind: 'literal', value: null, pos: token.pos };
        return { kind: 'name', name: token.value, pos: token.pos };
      case 'op':
        if (token.value === '(') {
          const inner = this.expression();
          this.expectOp(')');
          return inner;
        }
        if (token.value === '[') return this.arrayLiteral(token.pos);
        if (token.value === '{') return this.objectLiteral(token.pos);
        throw new ExpressionError(`unexpected "${token.value}"`, token.pos);
      case 'eof':
        throw new ExpressionError('unexpected end of expression', token.pos);
    }
  }

  private arrayLiteral(pos: number): Expr {
    const items: Expr[] = [];
    if (!this.isOp(']')) {
      do items.push(this.expression());
      while (this.isOp(',') && this.next());
    }
    this.expectOp(']');
    return { kind: 'array', items, pos };
  }

  private objectLiteral(pos: number): Expr {
    const entries: { key: string; value: Expr }[] = [];
    if (!this.isOp('}')) {
      do {
        const key = this.next();
        if (key.type !== 'ident' && key.type !== 'str') throw new ExpressionError('expected a key', key.pos);
        this.expectOp(':');
        entries.push({ key: String(key.value), value: this.expression() });
      } while (this.isOp(',') && this.next());
    }
    this.expectOp('}');
    return { kind: 'object', entries, pos };
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'end of expression';
    case 'str':
      return `string ${JSON.stringify(token.value)}`;
    default:
      return `"${String(token.value)}"`;
  }
}
