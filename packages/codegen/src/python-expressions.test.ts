import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The Python runtime of an export against the expression language's shared cases
 * (packages/protocol/cases/expressions.json), case for case — the cases the engine's evaluator
 * passes in packages/engine/src/expr/expression-cases.test.ts. Runs the runtime as exported,
 * with the system's python3 (the expression modules need only the standard library).
 */
interface Case {
  expr?: string;
  template?: string;
  value?: unknown;
  undefined?: boolean;
  error?: string;
  kind?: string;
}
type Result = { json?: string; undefined?: boolean; error?: string; kind?: string; crash?: string };

const here = dirname(fileURLToPath(import.meta.url));
const casesFile = createRequire(import.meta.url).resolve('@runtime-hub/protocol/cases/expressions.json');
const cases = (JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: Case[] }).cases;
const output = execFileSync(process.env.RUNTIME_HUB_PYTHON ?? 'python3', [join(here, 'testing', 'run_expression_cases.py'), join(here, '..', 'templates', 'python'), casesFile], {
  encoding: 'utf8',
  maxBuffer: 16 * 1024 * 1024,
});
const results = JSON.parse(output) as Result[];

describe('the Python runtime passes the shared expression cases', () => {
  it('answered every case', () => expect(results).toHaveLength(cases.length));
  cases.forEach((test, i) => {
    const result = results[i] as Result;
    it(`#${i} ${(test.expr ?? test.template ?? '').slice(0, 100)}`, () => {
      expect(result.crash, 'the runtime crashed').toBeUndefined();
      if (test.error !== undefined) {
        expect(result.error, 'an error').toContain(test.error);
        if (test.kind && result.kind !== 'template') expect(result.kind).toBe(test.kind);
        return;
      }
      if (test.undefined) return expect(result.undefined).toBe(true);
      expect(result.json, `a value, not ${JSON.stringify(result)}`).toBeDefined();
      expect(JSON.parse(result.json as string)).toEqual(test.value);
    });
  });
});
