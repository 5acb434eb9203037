import { ExpressionError } from './ast.js';

export type Token =
  | { type: 'num'; value: number; pos: number }
  | { type: 'str'; value: string; pos: number }
  | { type: 'ident'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'eof'; pos: number };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '??', '?.', '<', '>', '!', '+', '-', '*', '/', '%', '|', '.', ',', '(', ')', '[', ']', '{', '}', ':', '?'];
const IDENT_START = /[A-Za-z_$]/;
const NUMBER = /(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const IDENT_PART = /[A-Za-z0-9_$]/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f' };

/** Splits an expression into tokens; `===` and `!==` are read as `==` and `!=`. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      // Sticky: matched in place (slicing the rest of the source per number was quadratic).
      NUMBER.lastIndex = i;
      const text = NUMBER.exec(source)?.[0] ?? ch;
      tokens.push({ type: 'num', value: Number(text), pos: i });
      i += text.length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionError('unterminated string', start, 'syntax');
        const c = source.charAt(i);
        if (c === ch) break;
        if (c === '\\') {
          const next = source.charAt(i + 1);
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          const escaped = ESCAPES[next];
          if (escaped === undefined) throw new ExpressionError(`unknown escape \\${next}`, i, 'syntax');
          value += escaped;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ type: 'str', value, pos: start });
      continue;
    }
    if (IDENT_START.test(ch)) {
      const start = i;
      while (i < source.length && IDENT_PART.test(source.charAt(i))) i++;
      tokens.push({ type: 'ident', value: source.slice(start, i), pos: start });
      continue;
    }
    if (source.startsWith('===', i) || source.startsWith('!==', i)) {
      tokens.push({ type: 'op', value: source.slice(i, i + 2), pos: i });
      i += 3;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!op) throw new ExpressionError(`unexpected character ${JSON.stringify(ch)}`, i, 'syntax');
    tokens.push({ type: 'op', value: op, pos: i });
    i += op.length;
  }
  tokens.push({ type: 'eof', pos: source.length });
  return tokens;
}
