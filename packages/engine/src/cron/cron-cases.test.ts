import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { nextFires } from './cron.js';

/**
 * The shared cron cases (packages/protocol/cases/cron.json) still say what the engine computes.
 * The exported apps' schedulers are tested against the same file (the Python runtime in
 * packages/codegen/src/python-cron.test.ts), so a change here must be a reviewed change there.
 * Regenerate with `node packages/engine/scripts/write-cron-cases.mjs` after building the engine.
 */
interface CronCase {
  expression: string;
  timezone: string;
  from: string;
  fires: string[];
}

const file = createRequire(import.meta.url).resolve('@runtime-hub/protocol/cases/cron.json');
const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: CronCase[] }).cases;

describe('the shared cron cases match the engine', () => {
  it('has cases around daylight-saving changes in several zones', () => {
    expect(new Set(cases.map((c) => c.timezone)).size).toBeGreaterThanOrEqual(5);
    expect(cases.length).toBeGreaterThan(400);
  });
  for (const c of cases) {
    it(`${c.expression} in ${c.timezone} after ${c.from}`, () => {
      const fires = nextFires({ expression: c.expression, timezone: c.timezone }, c.fires.length, Date.parse(c.from));
      expect(fires.map((ms) => new Date(ms).toISOString())).toEqual(c.fires);
    });
  }
});
