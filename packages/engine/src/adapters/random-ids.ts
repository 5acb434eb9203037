import { randomBytes } from 'node:crypto';
import type { IdSource } from '../ports.js';

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * Random ids. Run ids are 32 hex characters that sort by creation time (48 bits of milliseconds,
 * then 80 random bits), so they also serve as the trace id of a top-level run.
 */
export const randomIds: IdSource = {
  runId: () => Date.now().toString(16).padStart(12, '0').slice(-12) + nonZeroHex(10),
  spanId: () => nonZeroHex(8),
  random: () => Math.random(),
};
