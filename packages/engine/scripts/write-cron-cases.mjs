// node packages/engine/scripts/write-cron-cases.mjs
//
// Writes packages/protocol/cases/cron.json: cron expressions, time zones and start instants, each
// with the next fire times the engine computes (croner). The engine's test checks the file still
// matches the engine (packages/engine/src/cron/cron-cases.test.ts); the Python runtime of an
// exported app is tested against it (packages/codegen/src/python-cron.test.ts). Run it again
// after changing the inputs below or upgrading croner, and review the diff.
import { writeFileSync } from 'node:fs';
import { nextFires, cronProblem } from '../dist/cron/cron.js';

const COUNT = 6;
const at = (iso) => Date.parse(iso);

// Start instants: ordinary days, month and year ends, leap days, and the hours around
// daylight-saving changes in each zone below.
const STARTS = {
  UTC: ['2026-01-01T00:00:00Z', '2026-02-27T23:59:30Z', '2028-02-28T12:00:00Z', '2026-12-31T23:59:59Z'],
  'America/New_York': ['2026-03-08T05:30:00Z', '2026-03-08T06:59:00Z', '2026-11-01T04:30:00Z', '2026-11-01T05:40:00Z', '2026-11-01T06:10:00Z'],
  'Europe/Zurich': ['2026-03-29T00:30:00Z', '2026-10-25T00:20:00Z', '2026-10-25T01:10:00Z', '2026-06-15T10:00:00Z'],
  'Australia/Lord_Howe': ['2026-04-04T14:00:00Z', '2026-10-03T15:00:00Z'],
  'Asia/Kolkata': ['2026-05-01T00:00:00Z'],
};

const EXPRESSIONS = [
  '* * * * *',
  '*/15 * * * *',
  '30 2 * * *',
  '0 2 * * *',
  '15,45 1 * * *',
  '0 0 1 * *',
  '0 12 L * *',
  '0 9 * * 1-5',
  '0 9 * * MON-FRI',
  '0 0 * * 0',
  '0 0 * * 7',
  '0 8 * JAN,JUL *',
  '0 0 29 2 *',
  '0 0 13 * 5',
  '0 10 * * 5L',
  '0 10 * * 1#2',
  '5-10/2 3 * * *',
  '0 */6 * * *',
  '*/20 * * * * *',
  '30 */10 * * * *',
  '0 0 12 ? * *',
  '0 0 1-7 * 1',
  '0 4 */10 * *',
  '0 9 15W * *',
  '0 9 1W * *',
  '0 9 LW * *',
  '0 0 1,15,L * *',
  '0 0 13 * +5',
  '0 0 ? * MON',
  '0 12 * */3 *',
  '0 0 * * */2',
  '0 6 * * MON-SUN',
  '0 7 * * 1#1,5L',
  '@daily',
  '@hourly',
  '@weekly',
  '@monthly',
  '@yearly',
];

const cases = [];
for (const [timezone, starts] of Object.entries(STARTS)) {
  for (const expression of EXPRESSIONS) {
    if (cronProblem({ expression, timezone })) throw new Error(`not a usable case: ${expression} in ${timezone}`);
    for (const from of starts) {
      const fires = nextFires({ expression, timezone }, COUNT, at(from)).map((ms) => new Date(ms).toISOString());
      cases.push({ expression, timezone, from, fires });
    }
  }
}
const file = new URL('../../protocol/cases/cron.json', import.meta.url);
// One case per line: a change to the engine shows as the cases it changed.
const about = 'Next fire times of cron triggers, each found from the one before, as the engine computes them (croner). Written by packages/engine/scripts/write-cron-cases.mjs.';
writeFileSync(file, `{"about": ${JSON.stringify(about)},\n"cases": [\n${cases.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`);
console.log(`${cases.length} cases written to ${file.pathname}`);
