import protobuf from 'protobufjs';

/**
 * Invalid UTF-8 is handled the same on every input (JSON spans, OTLP JSON and protobuf, heartbeats,
 * Claude Code hooks): the body is decoded with U+FFFD in place of the bad bytes, the request is
 * marked lossy, and only the records that hold a U+FFFD are refused with `INVALID_UTF8`; the rest is
 * kept. Nothing is stored garbled, and one bad string never costs a whole batch.
 */

/** Whether any string (key or value) inside `value` holds U+FFFD. Iterative: no depth limit. */
export function containsReplacementChar(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\uFFFD')) return true;
    } else if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\uFFFD')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/**
 * Decodes protobuf with proto3's strict UTF-8 check; when a string fails it, decodes again with
 * replacement characters and says so (`lossy`), so the caller can refuse only the records hit.
 */
export function decodeProtobufLossy<T>(decode: (body: Uint8Array) => T, body: Uint8Array): { value: T; lossy: boolean } {
  try {
    return { value: decode(body), lossy: false };
  } catch (error) {
    if (!/utf-?8/i.test((error as Error).message)) throw error;
  }
  const reader = protobuf.Reader.prototype as unknown as { stringVerify: () => string; string: () => string };
  const strict = reader.stringVerify;
  reader.stringVerify = reader.string; // synchronous: nothing else decodes until it is restored
  try {
    return { value: decode(body), lossy: true };
  } finally {
    reader.stringVerify = strict;
  }
}
