// Worker: sends spans to the hub at a fixed rate (default 5,000/s) in 50 ms ticks, paced by the
// wall clock so a slow tick is made up by the next. A tenth of the calls are sent as a start
// record first and an end record a few ticks later (running calls that update in place).
import { parentPort, workerData } from 'node:worker_threads';
import { nextSpanId, nextTraceId } from './spans.mjs';

const { url, rate, seconds } = workerData;
const TICK_MS = 50;
const perTick = Math.round((rate * TICK_MS) / 1000);
const started = Date.now();
let sent = 0;
let failed = 0;
let pendingEnds = [];

async function post(spans) {
  try {
    const res = await fetch(`${url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans }) });
    if (!res.ok) failed += spans.length;
    await res.arrayBuffer();
  } catch {
    failed += spans.length;
  }
}

for (let tick = 0; Date.now() - started < seconds * 1000; tick++) {
  const now = Date.now();
  const spans = pendingEnds;
  pendingEnds = [];
  while (spans.length < perTick) {
    const i = sent + spans.length;
    const span = { traceId: nextTraceId(), spanId: nextSpanId(), parentSpanId: null, service: `live-${i % 4}`, name: ['handle', 'query', 'render', 'compute'][i % 4], kind: 'function', startTime: now, input: { i } };
    if (i % 10 === 0) {
      spans.push(span);
      pendingEnds.push({ ...span, endTime: now + 150, status: 'ok', output: { done: true } });
    } else spans.push({ ...span, endTime: now + (i % 20), status: i % 50 === 0 ? 'error' : 'ok', output: { v: i } });
  }
  await post(spans);
  sent += spans.length;
  const next = started + (tick + 1) * TICK_MS;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
parentPort.postMessage({ sent, failed, seconds: (Date.now() - started) / 1000 });
