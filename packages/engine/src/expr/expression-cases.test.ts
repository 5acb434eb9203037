import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FILTER_NAMES } from './filters.js';
import { ExpressionError, TemplateError, evaluate, parseExpression, renderTemplate, strict } from './index.js';

/**
 * The expression language's shared cases (packages/protocol/cases/expressions.json): the same
 * file runs against the runtime of a Python export, so both implementations agree case for case.
 */
interface Case {
  expr?: string;
  template?: string;
  value?: unknown;
  undefined?: boolean;
  error?: string;
  kind?: string;
}
interface CaseFile {
  scope: Record<string, unknown>;
  strict: Record<string, string>;
  cases: Case[];
}

const file = createRequire(import.meta.url).resolve('@runtime-hub/protocol/cases/expressions.json');
const cases = JSON.parse(readFileSync(file, 'utf8')) as CaseFile;

function scopeOf(data: CaseFile): Record<string, unknown> {
  const scope: Record<string, unknown> = { ...data.scope };
  for (const [name, message] of Object.entries(data.strict)) {
    scope[name] = strict({ ...(scope[name] as object) }, (key) => message.replace('{key}', key));
  }
  return scope;
}

function run(test: Case): unknown {
  const scope = scopeOf(cases);
  if (test.template !== undefined) return renderTemplate(test.template, scope);
  return evaluate(parseExpression(test.expr as string), scope);
}

describe('expression cases shared with the Python runtime', () => {
  it('has cases for every filter', () => {
    const used = new Set(cases.cases.flatMap((c) => [...(c.expr ?? c.template ?? '').matchAll(/\|\s*([a-z_0-9]+)/g)].map((m) => m[1])));
    expect(FILTER_NAMES.filter((name) => !used.has(name))).toEqual([]);
  });

  for (const [i, test] of cases.cases.entries()) {
    const label = `#${i} ${test.expr ?? test.template}`.slice(0, 120);
    it(label, () => {
      if (test.error !== undefined) {
        let caught: unknown;
        try {
          run(test);
        } catch (error) {
          caught = error;
        }
        expect(caught instanceof ExpressionError || caught instanceof TemplateError, `${label} throws`).toBe(true);
        expect((caught as Error).message).toContain(test.error);
        if (test.kind && caught instanceof ExpressionError) expect(caught.kind).toBe(test.kind);
        return;
      }
      const value = run(test);
      if (test.undefined) expect(value).toBeUndefined();
      else expect(value).toEqual(test.value);
    });
  }
});
