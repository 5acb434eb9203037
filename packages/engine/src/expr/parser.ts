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

/**
 * The deepest syntax tree an expression may have. Every construct counts — parentheses, but also
 * chains (`1+1+…`, `a.b.c…`, `x | f | f…`), which nest one level per link — so that evaluating
 * and inspecting a tree (both recursive) can never overflow the stack.
 */
export const MAX_EXPRESSION_DEPTH = 64;

function syntaxError(message: string, pos: number): ExpressionError {
  return new ExpressionError(message, pos, 'syntax');
}

class Parser {
  private index = 0;
  /** Open recursive calls (parentheses, brackets, unary operators, `?:`): bounds the parser's own stack. */
  private depth = 0;
  /** The height of every node built so far; a node is one more than its highest child. */
  private readonly heights = new WeakMap<Expr, number>();

  constructor(private readonly tokens: Token[]) {}

  private tooDeep(pos: number): ExpressionError {
    return new ExpressionError(`expression nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels; long chains of operators, properties or filters count as nesting)`, pos, 'too_deep');
  }

  /** Records the height of a new node; refuses it when the tree grows too deep. */
  private node<T extends Expr>(expr: T, ...children: Expr[]): T {
    let height = 1;
    for (const child of children) height = Math.max(height, (this.heights.get(child) ?? 1) + 1);
    if (height > MAX_EXPRESSION_DEPTH) throw this.tooDeep(expr.pos);
    this.heights.set(expr, height);
    return expr;
  }

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
    if (token.type !== 'op' || token.value !== value) throw syntaxError(`expected "${value}" but found ${describe(token)}`, token.pos);
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.type !== 'eof') throw syntaxError(`unexpected ${describe(token)}`, token.pos);
  }

  expression(): Expr {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw this.tooDeep(this.peek().pos);
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
    return this.node({ kind: 'conditional', test, then, otherwise, pos }, test, then, otherwise);
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
      left = this.node({ kind: 'binary', op: token.value as BinaryOp, left, right, pos: token.pos }, left, right);
    }
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.type === 'op' && (token.value === '!' || token.value === '-')) {
      this.next();
      if (++this.depth > MAX_EXPRESSION_DEPTH) throw this.tooDeep(token.pos);
      try {
        const operand = this.unary();
        return this.node({ kind: 'unary', op: token.value, operand, pos: token.pos }, operand);
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
        if (name.type !== 'ident') throw syntaxError(`expected a property name after "${token.value}"`, name.pos);
        expr = this.node({ kind: 'member', object: expr, property: { kind: 'literal', value: name.value, pos: name.pos }, pos: token.pos }, expr);
      } else if (token.value === '[') {
        this.next();
        const property = this.expression();
        this.expectOp(']');
        expr = this.node({ kind: 'member', object: expr, property, pos: token.pos }, expr, property);
      } else if (token.value === '|') {
        this.next();
        const name = this.next();
        if (name.type !== 'ident') throw syntaxError('expected a filter name after "|"', name.pos);
        const args: Expr[] = [];
        if (this.isOp('(')) {
          this.next();
          if (!this.isOp(')')) {
            do args.push(this.expression());
            while (this.isOp(',') && this.next());
          }
          this.expectOp(')');
        }
        expr = this.node({ kind: 'filter', name: name.value, input: expr, args, pos: name.pos }, expr, ...args);
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
        throw syntaxError(`unexpected "${token.value}"`, token.pos);
      case 'eof':
        throw syntaxError('unexpected end of expression', token.pos);
    }
  }

  private arrayLiteral(pos: number): Expr {
    const items: Expr[] = [];
    if (!this.isOp(']')) {
      do items.push(this.expression());
      while (this.isOp(',') && this.next());
    }
    this.expectOp(']');
    return this.node({ kind: 'array', items, pos }, ...items);
  }

  private objectLiteral(pos: number): Expr {
    const entries: { key: string; value: Expr }[] = [];
    if (!this.isOp('}')) {
      do {
        const key = this.next();
        if (key.type !== 'ident' && key.type !== 'str') throw syntaxError('expected a key', key.pos);
        this.expectOp(':');
        entries.push({ key: String(key.value), value: this.expression() });
      } while (this.isOp(',') && this.next());
    }
    this.expectOp('}');
    return this.node({ kind: 'object', entries, pos }, ...entries.map((entry) => entry.value));
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
