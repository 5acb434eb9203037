import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The Python runtime's cron schedules (templates/python/runtime/cron.py) against the shared cron
 * cases (packages/protocol/cases/cron.json): the next fire times the hub's engine computes, through
 * daylight-saving changes in five zones (one with a 30-minute shift), month ends and leap days.
 * Runs the runtime as exported, with the system's python3 (standard library only).
 */
interface CronCase {
  expression: string;
  timezone: string;
  from: string;
  fires: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const casesFile = createRequire(import.meta.url).resolve('@runtime-hub/protocol/cases/cron.json');
const cases = (JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: CronCase[] }).cases;
const output = execFileSync(process.env.RUNTIME_HUB_PYTHON ?? 'python3', [join(here, 'testing', 'run_cron_cases.py'), join(here, '..', 'templates', 'python'), casesFile], {
  encoding: 'utf8',
  maxBuffer: 16 * 1024 * 1024,
});
const results = JSON.parse(output) as { fires?: string[]; crash?: string }[];

describe('the Python runtime fires cron schedules when the hub would', () => {
  it('answered every case', () => expect(results).toHaveLength(cases.length));
  cases.forEach((c, i) => {
    it(`#${i} ${c.expression} in ${c.timezone} after ${c.from}`, () => {
      const result = results[i] ?? {};
      expect(result.crash, 'the runtime crashed').toBeUndefined();
      expect(result.fires).toEqual(c.fires);
    });
  });
});
