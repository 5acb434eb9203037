import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';

/**
 * Payload columns (input, output, error, attributes, events) hold JSON text. On the writer thread
 * a large one is stored compressed instead, as a BLOB: the column's type is the marker, so rows
 * written before compression existed (TEXT) read as they always did, and a reader tells the two
 * apart without a flag column. The first byte of a BLOB names its format, so a later format (a
 * new dictionary, another algorithm) can be added without rewriting stored rows.
 *
 * Format 1: raw DEFLATE with DICTIONARY_V1 preset. The dictionary holds the keys and phrases spans
 * carry (SDK payload shapes, OpenTelemetry and GenAI attribute names, chat messages, Python and
 * JavaScript stack traces): a payload of a few hundred bytes has too little text of its own to
 * compress well, and the dictionary gives DEFLATE something to refer back to. It must never
 * change: stored rows depend on it byte for byte (a new one gets a new format byte).
 */
const FORMAT_DEFLATE_DICT_V1 = 1;

const DICTIONARY_V1 = Buffer.from(
  [
    'Traceback (most recent call last):\n  File "', '", line ', ', in ', 'Error: ', '\n    at ', ' (node:internal/',
    '{"type":"', '","message":"', '","stack":"', '"frames":[{"file":"', '","line":', ',"function":"', '"},{"file":"',
    '"http.method":"GET","http.status_code":200,"http.url":"https://', '"http.route":"/api/', '"db.system":"postgresql","db.statement":"SELECT ',
    '"code.filepath":"', '","code.lineno":', ',"code.function":"', '"thread.id":', '"service.name":"', '"net.peer.name":"',
    '"gen_ai.system":"openai","gen_ai.request.model":"gpt-4o-mini","gen_ai.response.model":"', '"gen_ai.usage.input_tokens":',
    ',"gen_ai.usage.output_tokens":', '"gen_ai.request.temperature":', '"gen_ai.request.max_tokens":', '"gen_ai.operation.name":"chat"',
    '"llm.model_name":"', '"llm.token_count.prompt":', ',"llm.token_count.completion":', '"openinference.span.kind":"LLM"',
    '"finish_reason":"stop"', '"tool_calls":[{"id":"call_', '","type":"function","function":{"name":"', '","arguments":"{\\"',
    '{"messages":[{"role":"system","content":"You are a helpful assistant.', '"},{"role":"user","content":"',
    '"},{"role":"assistant","content":"', '"},{"role":"tool","tool_call_id":"', '"choices":[{"index":0,"message":{"role":"assistant","content":"',
    '"usage":{"prompt_tokens":', ',"completion_tokens":', ',"total_tokens":', '{"args":[', '],"kwargs":{', '{"result":',
    '"id":', '"name":"', '"value":', '"status":"ok"', '"error":', '"user":"', '"items":[{"', '"timestamp":', '"attributes":{"',
    ',"model":"', '"text":"', '"data":', '"query":"', '"response":"', 'true', 'false', 'null',
  ].join(''),
);

/**
 * Shorter texts are stored as they are. Each compression costs a fixed ~15–70 µs of the writer
 * thread (setting up a zlib stream) whatever the size: for the 200–500-byte arguments of an
 * ordinary function span that cost ingest a third of its rate under load (bench/ingest, 160 bytes
 * against none), for the kilobytes of a chat transcript, a document or a stack trace it pays.
 */
const MIN_BYTES = 512;
/** Kept compressed only when this much smaller (else the read-side inflate is not worth it). */
const MAX_RATIO = 0.9;
/** Level 1: the writer thread's time per span matters more than the last few percent. */
const LEVEL = 1;

/** A payload column's stored value: the JSON text itself, or its compressed form. */
export type StoredPayload = string | Uint8Array | null;

/** The value to store for a payload's JSON text (writer thread). */
export function packPayload(json: string | null): StoredPayload {
  if (json === null || json.length < MIN_BYTES) return json;
  const text = Buffer.from(json);
  // A window just big enough for the text (and the dictionary before it) is cheaper to set up.
  const windowBits = text.length + DICTIONARY_V1.length <= 4096 ? 12 : 15;
  const packed = deflateRawSync(text, { level: LEVEL, windowBits, memLevel: 8, dictionary: DICTIONARY_V1 });
  if (packed.length + 1 > text.length * MAX_RATIO) return json;
  const stored = Buffer.allocUnsafe(packed.length + 1);
  stored[0] = FORMAT_DEFLATE_DICT_V1;
  packed.copy(stored, 1);
  return stored;
}

/** The JSON text of a stored payload value, whichever form it was stored in. */
export function payloadText(stored: StoredPayload): string | null {
  if (stored === null || typeof stored === 'string') return stored;
  const bytes = Buffer.isBuffer(stored) ? stored : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes[0] !== FORMAT_DEFLATE_DICT_V1) throw new Error(`stored payload in unknown format ${bytes[0]}`);
  return inflateRawSync(bytes.subarray(1), { dictionary: DICTIONARY_V1 }).toString();
}

/**
 * SQL functions for statements that need a payload's text on the connection that writes: the
 * full-text index reads it (`payload_text`), and merging a span's attributes patches the stored
 * JSON and stores the result (`pack_payload`). Every connection that writes spans registers them
 * (the full-text triggers call them).
 */
export function registerPayloadFunctions(db: Database.Database): void {
  db.function('payload_text', { deterministic: true }, (stored: unknown) => payloadText(stored as StoredPayload));
  db.function('pack_payload', { deterministic: true }, (json: unknown) => packPayload(json as string | null));
}
