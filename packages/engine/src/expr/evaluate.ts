import { ExpressionError } from './ast.js';
import type { Expr } from './ast.js';
import { FILTERS } from './filters.js';
import { deepEqual, member, toText, truthy, typeName } from './values.js';

/**
 * The names an expression can start from (`input`, `nodes`, `trigger`, `env`, `secrets`, …).
 * Values may be getters, so a root is only computed when an expression reads it.
 */
export type Scope = Record<string, unknown>;

/** Evaluates a parsed expression against a scope. Pure: reads the scope, never writes it. */
export function evaluate(expr: Expr, scope: Scope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'name':
      if (!Object.hasOwn(scope, expr.name)) {
        throw new ExpressionError(`unknown name "${expr.name}" (use one of: ${Object.keys(scope).join(', ')})`, expr.pos);
      }
      return scope[expr.name];
    case 'member': {
      const object = evaluate(expr.object, scope);
      const key = evaluate(expr.property, scope);
      const result = member(object, key);
      if (!result.ok) throw new ExpressionError(result.message, expr.pos);
      return result.value;
    }
    case 'unary': {
      const operand = evaluate(expr.operand, scope);
      if (expr.op === '!') return !truthy(operand);
      if (typeof operand !== 'number') throw new ExpressionError(`cannot negate ${typeName(operand)}`, expr.pos);
      return -operand;
    }
    case 'binary':
      return binary(expr, scope);
    case 'conditional':
      return truthy(evaluate(expr.test, scope)) ? evaluate(expr.then, scope) : evaluate(expr.otherwise, scope);
    case 'filter': {
      const filter = Object.hasOwn(FILTERS, expr.name) ? FILTERS[expr.name] : undefined;
      if (!filter) throw new ExpressionError(`unknown filter "${expr.name}"`, expr.pos);
      const input = evaluate(expr.input, scope);
      const args = expr.args.map((arg) => evaluate(arg, scope));
      try {
        return filter(input, args);
      } catch (error) {
        if (error instanceof ExpressionError) throw new ExpressionError(error.message, expr.pos);
        throw error;
      }
    }
    case 'array':
      return expr.items.map((item) => evaluate(item, scope));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of expr.entries) {
        if (entry.key === '__proto__') throw new ExpressionError('"__proto__" cannot be a key', expr.pos);
        out[entry.key] = evaluate(entry.value, scope);
      }
      return out;
    }
  }
}

function binary(expr: Extract<Expr, { kind: 'binary' }>, scope: Scope): unknown {
  const left = evaluate(expr.left, scope);
  switch (expr.op) {
    case '&&':
      return truthy(left) ? evaluate(expr.right, scope) : left;
    case '||':
      return truthy(left) ? left : evaluate(expr.right, scope);
    case '??':
      return left === null || left === undefined ? evaluate(expr.right, scope) : left;
    default:
      break;
  }
  const right = evaluate(expr.right, scope);
  switch (expr.op) {
    case '==':
      return deepEqual(left ?? null, right ?? null);
    case '!=':
      return !deepEqual(left ?? null, right ?? null);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const comparable =
        (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
      if (!comparable) throw new ExpressionError(`cannot compare ${typeName(left)} with ${typeName(right)}`, expr.pos);
      const l = left as number | string;
      const r = right as number | string;
      return expr.op === '<' ? l < r : expr.op === '<=' ? l <= r : expr.op === '>' ? l > r : l >= r;
    }
    case '+':
      if (typeof left === 'number' && typeof right === 'number') return finite(left + right, expr.pos);
      if (typeof left === 'string' || typeof right === 'string') return toText(left) + toText(right);
      if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
      throw new ExpressionError(`cannot add ${typeName(left)} and ${typeName(right)}`, expr.pos);
    default: {
      if (typeof left !== 'number' || typeof right !== 'number') {
        throw new ExpressionError(`"${expr.op}" needs numbers, not ${typeName(left)} and ${typeName(right)}`, expr.pos);
      }
      const value = expr.op === '-' ? left - right : expr.op === '*' ? left * right : expr.op === '/' ? left / right : left % right;
      return finite(value, expr.pos);
    }
  }
}

function finite(value: number, pos: number): number {
  if (!Number.isFinite(value)) throw new ExpressionError('the result is not a finite number (division by zero?)', pos);
  return value;
}
