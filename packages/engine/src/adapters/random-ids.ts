import { randomFillSync } from 'node:crypto';
import type { IdSource } from '../ports.js';

/** Random bytes drawn from a pool refilled 4 KiB at a time: one system call per ~400 ids. */
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex(bytes: number): string {
  for (;;) {
    if (offset + bytes > pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const hex = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * Random ids. Run ids are 32 hex characters that sort by creation time (48 bits of milliseconds,
 * then 80 random bits), so they also serve as the trace id of a top-level run.
 */
export const randomIds: IdSource = {
  runId: () => Date.now().toString(16).padStart(12, '0').slice(-12) + randomHex(10),
  spanId: () => randomHex(8),
  random: () => Math.random(),
};
