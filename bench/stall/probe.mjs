// The probe: every 50 ms, a GET /api/health and a one-span POST /api/v1/spans, each timed from
// send to reply. It runs in its own process so the benchmark's own work never delays it. Times
// are on the system-wide monotonic clock, so the parent can match samples to its operations.
// Messages in: { url } (start or switch hub), { pause: true }, 'stop'. Out: { samples: [[sentMs, kind, latencyMs]] }.
import { randomBytes } from 'node:crypto';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const INTERVAL = 50;
const samples = [];
const pending = new Set();
let url;
let timer;

function timed(kind, request) {
  const sent = nowMs();
  const entry = { sent, kind };
  pending.add(entry);
  request().then(
    (res) => res.arrayBuffer().then(() => res.status),
    () => 0,
  ).then((status) => {
    pending.delete(entry);
    samples.push([sent, status === 200 ? kind : `${kind}-failed`, nowMs() - sent]);
  });
}

function tick() {
  const base = url;
  timed('health', () => fetch(`${base}/api/health`));
  const span = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), service: 'probe', name: 'probe', startTime: Date.now(), endTime: Date.now() + 1, status: 'ok' };
  timed('ingest', () => fetch(`${base}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spans: [span] }) }));
}

process.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    // Requests still unanswered count with the time they have waited so far.
    const end = nowMs();
    for (const entry of pending) samples.push([entry.sent, entry.kind, end - entry.sent]);
    process.send({ samples }, () => process.exit(0));
    return;
  }
  if (message.url) {
    url = message.url;
    timer ??= setInterval(tick, INTERVAL);
  } else if (message.pause) {
    // While the hub restarts: a keep-alive connection kept busy would hold the old hub open.
    clearInterval(timer);
    timer = undefined;
  }
});
