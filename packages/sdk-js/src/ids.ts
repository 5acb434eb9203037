import { randomFillSync } from 'node:crypto';

/**
 * Trace and span ids from a pool of cryptographic random bytes, refilled 4 KB at a time, so one id
 * costs a slice of a buffer instead of a system call. A fork gets its own pool (module state is
 * not shared across processes), and seeding Math.random in the host cannot repeat ids.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

function take(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  // An all-zero id is invalid in W3C Trace Context; 2^-64 odds, but cheap to rule out.
  let zero = true;
  for (let i = start; i < offset; i++) {
    if (pool[i] !== 0) {
      zero = false;
      break;
    }
  }
  if (zero) pool[start] = 1;
  return pool.toString('hex', start, offset);
}

export function newTraceId(): string {
  return take(16);
}

export function newSpanId(): string {
  return take(8);
}

export function newInstanceId(): string {
  return take(8);
}
