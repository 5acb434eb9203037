/** Trace and span ids: lowercase hex of a fixed length, as in W3C Trace Context and OTLP. */

const HEX = /^[0-9a-fA-F]+$/;
const ALL_ZERO = /^0+$/;

export const TRACE_ID_LENGTH = 32;
export const SPAN_ID_LENGTH = 16;

/**
 * Returns the id in lowercase when it is hex of exactly `length` characters and not all zero
 * (the invalid id of W3C Trace Context); otherwise undefined. Uppercase input is accepted.
 */
export function normalizeHexId(value: unknown, length: number): string | undefined {
  if (typeof value !== 'string' || value.length !== length || !HEX.test(value)) return undefined;
  if (ALL_ZERO.test(value)) return undefined;
  return value.toLowerCase();
}
