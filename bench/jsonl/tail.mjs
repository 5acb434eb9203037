// node bench/jsonl/tail.mjs [-- --runs 100]      (needs `npm run build`)
//
// How long a line appended to a watched file takes to be stored, with `start --watch` (file-system
// events, plus the safety re-stat), for two write patterns: a single line after a pause (the case
// that used to wait for the next write) and the last line of a burst of 50 appends written back to
// back (events coalesced). Next to it, in the same run and against the same hub, the floor: the
// same line POSTed to /api/v1/spans. Latency = from the write (or the POST) until
// GET /api/v1/spans/:id finds the span, polled every 2 ms.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, startHub, stopHub } from '../lib/hub.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' } } });
const RUNS = Number(values.runs);
const TRACE = 'b'.repeat(31) + '1';
let next = 1;
const line = () => {
  const n = next++;
  const spanId = n.toString(16).padStart(16, '0');
  return { spanId, text: JSON.stringify({ traceId: TRACE, spanId, service: 'tail-bench', name: `line ${n}`, kind: 'function', startTime: Date.now(), endTime: Date.now() + 1, status: 'ok' }) };
};

async function visible(url, spanId, t0) {
  for (;;) {
    const res = await fetch(`${url}/api/v1/spans/${spanId}`);
    await res.arrayBuffer();
    if (res.status === 200) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 2));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rh-bench-tail-'));
const file = join(dir, 'watched', 'spans.jsonl');
mkdirSync(join(dir, 'watched'));
writeFileSync(file, '');
const hub = await startHub(['--data', join(dir, 'data'), '--watch', join(dir, 'watched')]);
const single = [];
const burst = [];
const post = [];
try {
  await new Promise((r) => setTimeout(r, 500)); // the watcher is ready
  for (let i = -3; i < RUNS; i++) {
    const keep = i >= 0; // three uncounted rounds first: the hub's first writes warm it up
    // Interleaved, so machine load hits all three alike.
    const a = line();
    let t0 = performance.now();
    appendFileSync(file, `${a.text}\n`);
    const tSingle = await visible(hub.url, a.spanId, t0);
    if (keep) single.push(tSingle);
    await new Promise((r) => setTimeout(r, 20));

    const lines = Array.from({ length: 50 }, line);
    t0 = performance.now();
    for (const l of lines) appendFileSync(file, `${l.text}\n`);
    const tBurst = await visible(hub.url, lines.at(-1).spanId, t0);
    if (keep) burst.push(tBurst);
    await new Promise((r) => setTimeout(r, 20));

    const b = line();
    t0 = performance.now();
    const res = await fetch(`${hub.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans: [JSON.parse(b.text)] }) });
    await res.arrayBuffer();
    const tPost = await visible(hub.url, b.spanId, t0);
    if (keep) post.push(tPost);
    await new Promise((r) => setTimeout(r, 20));
  }
} finally {
  await stopHub(hub);
  rmSync(dir, { recursive: true, force: true });
}
const row = (name, xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return `${name.padEnd(44)} p50 ${percentile(s, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(s, 95).toFixed(1).padStart(7)} ms   max ${s.at(-1).toFixed(1).padStart(7)} ms`;
};
console.log(`runs: ${RUNS}, load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(row('start --watch, one line after a pause', single));
console.log(row('start --watch, last line of a 50-line burst', burst));
console.log(row('baseline: POST /api/v1/spans', post));
