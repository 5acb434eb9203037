import { ExpressionError } from './ast.js';
import type { Expr } from './ast.js';
import { evaluate } from './evaluate.js';
import { FILTER_NAMES } from './filters.js';
import type { Scope } from './evaluate.js';
import { parseExpression } from './parser.js';
import { secretsRead } from './taint.js';
import type { SecretTaint } from './taint.js';
import { toText } from './values.js';

/**
 * Templates: strings with `{{ expression }}` parts. A string that is exactly one `{{ … }}`
 * yields the expression's value with its type (a number stays a number, an object an object);
 * otherwise each part is turned into text. `\{{` writes a literal `{{`.
 *
 * @example
 *   renderTemplate('Hello, {{ trigger.body.name }}!', scope)   // "Hello, Ada!"
 *   renderTemplate('{{ input.items }}', scope)                  // [1, 2, 3]
 */

export interface TemplatePart {
  source: string;
  expr: Expr;
  /** Offset of the expression in the template string. */
  offset: number;
  /** The secrets the expression reads (see taint.ts); its value is then a secret too. */
  secrets: string[];
}

export type Template =
  | { kind: 'literal'; value: string }
  | { kind: 'single'; part: TemplatePart }
  | { kind: 'parts'; parts: (string | TemplatePart)[] };

/** A template problem: where in the config (`path`), which expression, and why. */
export class TemplateError extends Error {
  readonly path: string;
  readonly expression: string;
  readonly reason: string;
  constructor(path: string, expression: string, reason: string) {
    super(`${path ? `${path}: ` : ''}${reason}${expression ? ` in {{ ${expression} }}` : ''}`);
    this.name = 'TemplateError';
    this.path = path;
    this.expression = expression;
    this.reason = reason;
  }
}

const cache = new Map<string, Template>();
const CACHE_LIMIT = 20_000;

/** Parses a template (cached). Throws {@link ExpressionError} on a syntax error. */
export function compileTemplate(text: string): Template {
  const cached = cache.get(text);
  if (cached) return cached;
  const template = parseTemplate(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, template);
  return template;
}

function parseTemplate(text: string): Template {
  if (!text.includes('{{')) return { kind: 'literal', value: text };
  const parts: (string | TemplatePart)[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('\\{{', i)) {
      literal += '{{';
      i += 3;
      continue;
    }
    if (text.startsWith('{{', i)) {
      const end = findClose(text, i + 2);
      if (end < 0) throw new ExpressionError('"{{" without a matching "}}"', i, 'syntax');
      const source = text.slice(i + 2, end).trim();
      if (!source) throw new ExpressionError('empty {{ }}', i, 'syntax');
      let expr: Expr;
      try {
        expr = parseExpression(source);
      } catch (error) {
        if (error instanceof ExpressionError) throw new ExpressionError(`${error.message} (in {{ ${source} }})`, i + 2 + error.pos, error.kind);
        throw error;
      }
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ source, expr, offset: i, secrets: secretsRead(expr) });
      i = end + 2;
      continue;
    }
    literal += text.charAt(i);
    i++;
  }
  if (literal) parts.push(literal);
  const only = parts[0];
  if (parts.length === 1 && only !== undefined && typeof only !== 'string') return { kind: 'single', part: only };
  if (parts.every((p) => typeof p === 'string')) return { kind: 'literal', value: parts.join('') };
  return { kind: 'parts', parts };
}

/** The `}}` closing an expression, skipping braces of object literals and string contents. */
function findClose(text: string, from: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0 && text.charAt(i + 1) === '}') return i;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

/**
 * Renders one template string. `path` names the config field in errors; `taint` hears of every
 * value derived from secrets — each such expression's value, and the whole text it was
 * interpolated into.
 */
export function renderTemplate(text: string, scope: Scope, path = '', taint?: SecretTaint): unknown {
  let template: Template;
  try {
    template = compileTemplate(text);
  } catch (error) {
    throw new TemplateError(path, '', (error as Error).message);
  }
  if (template.kind === 'literal') return template.value;
  if (template.kind === 'single') return run(template.part, scope, path, taint);
  let out = '';
  const names = new Set<string>();
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    out += toText(run(part, scope, path, taint));
    for (const name of part.secrets) names.add(name);
  }
  if (names.size > 0) taint?.(out, [...names]);
  return out;
}

function run(part: TemplatePart, scope: Scope, path: string, taint: SecretTaint | undefined): unknown {
  let value: unknown;
  try {
    value = evaluate(part.expr, scope);
  } catch (error) {
    if (error instanceof ExpressionError) throw new TemplateError(path, part.source, error.message);
    throw error;
  }
  if (part.secrets.length > 0) taint?.(value, part.secrets);
  return value;
}

/**
 * Renders every string inside a JSON value. `path` is the config path of `value`
 * (`headers.Authorization`), so an error names the exact field.
 */
export function renderDeep(value: unknown, scope: Scope, path = '', taint?: SecretTaint): unknown {
  if (typeof value === 'string') return renderTemplate(value, scope, path, taint);
  if (Array.isArray(value)) return value.map((item, i) => renderDeep(item, scope, `${path}[${i}]`, taint));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderDeep(item, scope, path ? `${path}.${key}` : key, taint);
    return out;
  }
  return value;
}

/** Whether a value contains any `{{ … }}`. */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasTemplate);
  return false;
}

export interface TemplateReference {
  path: string;
  expression: string;
  /** The root name (`input`, `nodes`, …). */
  root: string;
  /** For `nodes.<id>…`: the node id. */
  nodeId?: string;
  /** For `secrets.<name>` / `env.<name>`: the name. */
  key?: string;
}

export interface TemplateProblem {
  path: string;
  message: string;
  /** `too_deep` when the expression nests deeper than the parser allows, else `syntax` or `unknown_filter`. */
  kind: 'syntax' | 'too_deep' | 'unknown_filter';
}

/**
 * Checks every template inside a value without evaluating it: syntax errors, unknown filters,
 * and the names it reads (for the validator's "unknown node", "unknown root" checks).
 */
export function inspectTemplates(value: unknown, path = ''): { references: TemplateReference[]; problems: TemplateProblem[] } {
  const references: TemplateReference[] = [];
  const problems: TemplateProblem[] = [];
  const visit = (item: unknown, at: string): void => {
    if (typeof item === 'string') {
      if (!item.includes('{{')) return;
      let template: Template;
      try {
        template = compileTemplate(item);
      } catch (error) {
        problems.push({ path: at, message: (error as Error).message, kind: error instanceof ExpressionError && error.kind === 'too_deep' ? 'too_deep' : 'syntax' });
        return;
      }
      const parts = template.kind === 'single' ? [template.part] : template.kind === 'parts' ? template.parts : [];
      for (const part of parts) {
        if (typeof part === 'string') continue;
        collect(part.expr, part.source, at, references, problems);
      }
    } else if (Array.isArray(item)) item.forEach((child, i) => visit(child, `${at}[${i}]`));
    else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) visit(child, at ? `${at}.${key}` : key);
    }
  };
  visit(value, path);
  return { references, problems };
}

function collect(expr: Expr, source: string, path: string, references: TemplateReference[], problems: TemplateProblem[]): void {
  const walk = (node: Expr): void => {
    switch (node.kind) {
      case 'name':
        references.push({ path, expression: source, root: node.name });
        return;
      case 'member': {
        const chain = rootChain(node);
        if (chain) {
          const ref: TemplateReference = { path, expression: source, root: chain.root };
          if (chain.first !== undefined) {
            if (chain.root === 'nodes') ref.nodeId = chain.first;
            else ref.key = chain.first;
          }
          references.push(ref);
          // Still walk computed keys (`nodes[input.which]`).
          walkComputed(node);
          return;
        }
        walk(node.object);
        walk(node.property);
        return;
      }
      case 'unary':
        walk(node.operand);
        return;
      case 'binary':
        walk(node.left);
        walk(node.right);
        return;
      case 'conditional':
        walk(node.test);
        walk(node.then);
        walk(node.otherwise);
        return;
      case 'filter':
        if (!FILTER_SET.has(node.name)) problems.push({ path, message: `unknown filter "${node.name}" in {{ ${source} }}`, kind: 'unknown_filter' });
        walk(node.input);
        node.args.forEach(walk);
        return;
      case 'array':
        node.items.forEach(walk);
        return;
      case 'object':
        node.entries.forEach((entry) => walk(entry.value));
        return;
      case 'literal':
        return;
    }
  };
  const walkComputed = (node: Expr): void => {
    if (node.kind !== 'member') return;
    walkComputed(node.object);
    if (node.property.kind !== 'literal') walk(node.property);
  };
  walk(expr);
}

/** For `a.b.c`, `a["b"]`: the root name and the first key when it is a literal. */
function rootChain(expr: Expr): { root: string; first?: string } | undefined {
  const keys: Expr[] = [];
  let node: Expr = expr;
  while (node.kind === 'member') {
    keys.unshift(node.property);
    node = node.object;
  }
  if (node.kind !== 'name') return undefined;
  const first = keys[0];
  if (first && first.kind === 'literal' && (typeof first.value === 'string' || typeof first.value === 'number')) {
    return { root: node.name, first: String(first.value) };
  }
  return { root: node.name };
}

const FILTER_SET = new Set(FILTER_NAMES);
