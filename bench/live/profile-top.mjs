// node bench/live/profile-top.mjs <file.cpuprofile> [--top 25]
//
// The functions with the most self time in a V8 CPU profile (node --cpu-prof), with their share
// of the profiled time and of the time not idle. Used for the hub's main thread while
// `npm run bench:live` runs: HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:live
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const ticks = new Map();
// timeDeltas[i] is the time before sample i; each sample is charged to the function on top.
for (let i = 0; i < profile.samples.length; i++) ticks.set(profile.samples[i], (ticks.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));

const self = new Map();
let total = 0;
let idle = 0;
for (const [id, us] of ticks) {
  const { callFrame } = byId.get(id);
  const name = callFrame.functionName || '(anonymous)';
  const where = callFrame.url ? `${basename(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
  const key = `${name} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
  if (name === '(idle)') idle += us;
}
const busy = total - idle;
console.log(`${basename(positionals[0])}: ${(total / 1e3).toFixed(0)} ms profiled, ${(busy / 1e3).toFixed(0)} ms busy (not idle)`);
console.log('  self ms   % busy  function');
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  if (key.startsWith('(idle)')) continue;
  console.log(`${(us / 1e3).toFixed(0).padStart(8)}  ${((100 * us) / busy).toFixed(1).padStart(6)}  ${key}`);
}
