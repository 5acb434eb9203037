// Realistic span records: a root call with nested children, 200–500 bytes of input/output JSON.
import { randomBytes } from 'node:crypto';

const FUNCTIONS = ['handle_request', 'load_user', 'query_db', 'render_template', 'call_api', 'parse_payload', 'score_items'];
const SERVICES = ['checkout-api', 'search-worker', 'billing', 'agent-runner'];

let pool = randomBytes(1 << 20);
let offset = 0;
function hex(bytes) {
  if (offset + bytes > pool.length) {
    pool = randomBytes(1 << 20);
    offset = 0;
  }
  const text = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return text;
}

function payload(size) {
  const items = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const item = { id: i, sku: `SKU-${(i * 7919) % 100000}`, qty: (i % 5) + 1, price: 9.99 + i };
    length += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return { user: 'u-1234', items };
}

const PAYLOADS = Array.from({ length: 16 }, (_, i) => payload(100 + i * 10));

/** `count` span records forming traces of 10 spans each. */
export function makeSpans(count, now = Date.now()) {
  const spans = [];
  let traceId = '';
  let rootId = '';
  for (let i = 0; i < count; i++) {
    const inTrace = i % 10;
    if (inTrace === 0) {
      traceId = hex(16);
      rootId = hex(8);
    }
    const spanId = inTrace === 0 ? rootId : hex(8);
    const start = now + i * 0.01;
    const failed = i % 97 === 0;
    spans.push({
      traceId,
      spanId,
      parentSpanId: inTrace === 0 ? null : rootId,
      service: SERVICES[(i / 10) % SERVICES.length | 0],
      name: FUNCTIONS[i % FUNCTIONS.length],
      kind: 'function',
      startTime: start,
      endTime: start + (i % 50) + 0.5,
      status: failed ? 'error' : 'ok',
      input: { args: [i, 'text'], kwargs: PAYLOADS[i % 16] },
      output: failed ? undefined : { result: PAYLOADS[(i + 5) % 16].items.slice(0, 2) },
      error: failed ? { type: 'ValueError', message: 'quantity must be positive', frames: [{ file: 'app/cart.py', line: 42, function: 'add_item' }] } : undefined,
      attributes: { 'code.filepath': 'app/cart.py', 'code.lineno': 42, 'thread.id': 1 },
    });
  }
  return spans;
}
