// node bench/live/encode.mjs [--spans 100000] [--batch 50] [--rounds 5] [--prompt-kb 0]
//
// The hub main thread's cost of putting one live batch on the wire, per span, isolated from the
// rest of ingest: Socket.IO's encoder (its binary scan, then JSON) over whole spans — what the live
// channel sent before — next to summarizing the spans and encoding the summaries, what it sends
// now. Same process, same spans (bench/lib/spans.mjs: 200–500 bytes of input/output), rounds
// interleaved; also the bytes per span on the wire. --prompt-kb N adds an LLM-like prompt of N KB
// to every input and answer to every output. Needs the hub built (npm run build).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Encoder, PacketType } from 'socket.io-parser';
import { rememberInputJson, summarize } from '../../packages/hub/dist/live/span-summary.js';
import { makeSpans } from '../lib/spans.mjs';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '100000' }, batch: { type: 'string', default: '50' }, rounds: { type: 'string', default: '5' }, 'prompt-kb': { type: 'string', default: '0' } } });
const PROMPT = 'Summarize the ticket and propose a reply. '.repeat(Math.ceil((Number(values['prompt-kb']) * 1024) / 42)).slice(0, Number(values['prompt-kb']) * 1024);
const TOTAL = Number(values.spans);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);

// Spans as the store hands them to the feed (the records plus what the hub adds).
const withPrompt = (record) => (PROMPT ? { ...record, input: { messages: [{ role: 'user', content: PROMPT }], ...record.input }, output: { content: PROMPT } } : record);
const spans = makeSpans(TOTAL).map(withPrompt).map((record, i) => ({ ...record, parentSpanId: record.parentSpanId ?? null, durationMs: record.endTime - record.startTime, sessionId: null, error: record.error ?? null, seq: i + 1 }));
// Ingest serializes every input once anyway (to store it); not timed, it is the same before and after.
const inputJson = spans.map((span) => JSON.stringify(span.input));
const walked = spans.map((span) => ({ ...span, input: JSON.parse(JSON.stringify(span.input)) }));
const encoder = new Encoder();
const modes = {
  'whole spans (before)': (batch) => batch,
  // What ingest adds (remembering the input's text) and what the live channel does per batch.
  'summaries (now)': (batch, offset) => {
    batch.forEach((span, i) => rememberInputJson(span.input, inputJson[offset + i]));
    return batch.map(summarize);
  },
  // A merged span's input is a new object read back from its row: its preview walks the object.
  'summaries, input walked': (batch, offset) => walked.slice(offset, offset + batch.length).map(summarize),
};

function run(shape) {
  let bytes = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < TOTAL; i += BATCH) {
    const data = ['spans', { spans: shape(spans.slice(i, i + BATCH), i), cursor: i + BATCH }];
    for (const part of encoder.encode({ type: PacketType.EVENT, nsp: '/live', data })) bytes += part.length;
  }
  const cpu = process.cpuUsage(started);
  return { usPerSpan: (cpu.user + cpu.system) / TOTAL, bytesPerSpan: bytes / TOTAL };
}

console.log(`bench/live/encode: ${TOTAL.toLocaleString('en-US')} spans in batches of ${BATCH}, ${ROUNDS} interleaved rounds; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const results = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
for (let round = 0; round < ROUNDS; round++) for (const [mode, shape] of Object.entries(modes)) results[mode].push(run(shape));
for (const [mode, rs] of Object.entries(results)) {
  // The first round warms the JIT up; the median of the rest.
  const us = rs.slice(1).map((r) => r.usPerSpan).sort((a, b) => a - b);
  console.log(`  ${mode.padEnd(22)} ${us[Math.floor(us.length / 2)].toFixed(2).padStart(6)} µs CPU per span (rounds: ${rs.map((r) => r.usPerSpan.toFixed(2)).join(', ')})  ${Math.round(rs[0].bytesPerSpan)} B per span`);
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
