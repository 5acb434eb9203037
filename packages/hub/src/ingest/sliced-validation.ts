import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { validateSpanRecords, type ValidationResult } from '@runtime-hub/protocol';

/** Records validated between two checks of the clock. */
const STEP = 64;
/** Longest stretch of validation before other requests get a turn (ms). */
const SLICE_MS = 8;

/**
 * `validateSpanRecords` in time slices: a request of 100,000 records (valid or not) validates in
 * turns of a few milliseconds with the event loop free between them, so health checks, other
 * ingest and the live channel never wait for one big body. Same result as one call.
 */
export async function validateInSlices(records: readonly unknown[]): Promise<ValidationResult> {
  const result: ValidationResult = { valid: [], rejected: [] };
  let sliceStart = performance.now();
  for (let start = 0; start < records.length; start += STEP) {
    const part = validateSpanRecords(records.slice(start, start + STEP));
    for (const item of part.valid) result.valid.push({ index: item.index + start, record: item.record });
    for (const item of part.rejected) result.rejected.push({ ...item, index: item.index + start });
    if (performance.now() - sliceStart > SLICE_MS && start + STEP < records.length) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  return result;
}
