import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanRecord } from '@runtime-hub/protocol';
import { encodeSpan } from '../../ingest/encode.js';
import { hexId, postSpans, startTestHub, type TestHub } from '../../testing/test-hub.js';
import { v1Records } from './fixtures/v1-spans.js';
import { SqliteSpanStore } from './sqlite-store.js';

const FIXTURE = new URL('./fixtures/hub-v1.sqlite', import.meta.url);

/** A chat transcript of a few KB, shaped like an OpenAI-style LLM span's input. */
function chatInput(word: string): unknown {
  return {
    messages: Array.from({ length: 12 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `${i === 5 ? `${word} ` : ''}turn ${i}: please summarise the quarterly numbers for region ${i} and list the open tickets by owner`,
    })),
  };
}

function encode(record: Record<string, unknown>) {
  const result = encodeSpan(SpanRecord.parse(record));
  if (!result.ok) throw new Error(result.message);
  return result.span;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API replies, checked field by field
async function json(response: Response): Promise<any> {
  expect(response.status).toBe(200);
  return response.json();
}

/** The storage type of each payload column of a span, straight from the file. */
function storedTypes(file: string, spanId: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare('SELECT typeof(input) AS input, typeof(output) AS output, typeof(error) AS error, typeof(attributes) AS attributes, typeof(events) AS events FROM spans WHERE span_id = ?')
      .get(spanId) as Record<string, string>;
  } finally {
    db.close();
  }
}

describe('compressed payloads', () => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('are stored compressed and read back identical through the API: one span, a trace, a search, an error group', async () => {
    hub = await startTestHub();
    const traceId = hexId(32);
    const rootId = hexId(16);
    const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`app.setting_${i}`, `value number ${i} for this deployment`]));
    const events = Array.from({ length: 10 }, (_, i) => ({ name: 'retry', time: 1_700_000_000_000 + i, attributes: { attempt: i, reason: 'upstream timed out after 30 s' } }));
    const error = { type: 'TimeoutError', message: 'upstream cormorant timed out', stack: Array.from({ length: 20 }, (_, i) => `    at handler${i} (/srv/app/routes/orders.js:${i + 10}:5)`).join('\n') };
    const spans = [
      { traceId, spanId: rootId, parentSpanId: null, service: 'orders', name: 'chat', kind: 'llm', startTime: 1_700_000_000_000, endTime: 1_700_000_000_900, status: 'error', input: chatInput('pelican'), output: { content: 'x'.repeat(3_000) }, error, attributes, events },
      { traceId, spanId: hexId(16), parentSpanId: rootId, service: 'orders', name: 'small', kind: 'function', startTime: 1_700_000_000_100, endTime: 1_700_000_000_200, status: 'ok', input: { id: 1 }, output: 2 },
    ];
    await json(await postSpans(hub.url, spans));

    const file = join(hub.dataDir, 'hub.sqlite');
    expect(storedTypes(file, rootId)).toEqual({ input: 'blob', output: 'blob', error: 'blob', attributes: 'blob', events: 'blob' });
    expect(storedTypes(file, spans[1]!.spanId)).toMatchObject({ input: 'text', output: 'text' }); // small: stored as text

    const { span } = await json(await fetch(`${hub.url}/api/v1/spans/${rootId}`));
    expect(span).toMatchObject({ input: spans[0]!.input, output: spans[0]!.output, attributes, events, error: { type: 'TimeoutError', message: error.message, stack: error.stack } });
    const trace = await json(await fetch(`${hub.url}/api/v1/traces/${traceId}`));
    expect(trace.spans.find((s: { spanId: string }) => s.spanId === rootId)).toEqual(span);
    const found = await json(await fetch(`${hub.url}/api/v1/spans?q=pelican`));
    expect(found.spans.map((s: { spanId: string }) => s.spanId)).toEqual([rootId]);
    expect((await json(await fetch(`${hub.url}/api/v1/spans?q=cormorant`))).spans).toHaveLength(1);
    const groups = await json(await fetch(`${hub.url}/api/v1/errors`));
    expect(JSON.stringify(groups)).toContain('upstream cormorant timed out');
  });

  it('merge: an end record completes a compressed start; attributes merge key by key; the index follows the new text', async () => {
    hub = await startTestHub();
    const ids = { traceId: hexId(32), spanId: hexId(16) };
    const startAttributes = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`start.key_${i}`, `from the start record ${i}`]));
    const endAttributes = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`end.key_${i}`, `from the end record ${i}`]));
    const start = { ...ids, service: 'svc', name: 'op', kind: 'llm', startTime: 1_000, input: chatInput('albatross'), attributes: startAttributes };
    await json(await postSpans(hub.url, [start]));
    const end = { ...start, endTime: 2_000, status: 'ok', input: chatInput('puffin'), output: chatInput('gannet'), attributes: endAttributes };
    const reply = await json(await postSpans(hub.url, [end]));
    expect(reply.accepted).toBe(1);

    const { span } = await json(await fetch(`${hub.url}/api/v1/spans/${ids.spanId}`));
    expect(span.input).toEqual(end.input);
    expect(span.output).toEqual(end.output);
    expect(span.attributes).toEqual({ ...startAttributes, ...endAttributes });
    expect(storedTypes(join(hub.dataDir, 'hub.sqlite'), ids.spanId).attributes).toBe('blob');
    expect((await json(await fetch(`${hub.url}/api/v1/spans?q=albatross`))).spans).toHaveLength(0);
    expect((await json(await fetch(`${hub.url}/api/v1/spans?q=puffin`))).spans).toHaveLength(1);
    expect((await json(await fetch(`${hub.url}/api/v1/spans?q=gannet`))).spans).toHaveLength(1);
  });
});

describe('a database written before payloads were compressed (fixtures/hub-v1.sqlite)', () => {
  it('opens with every span readable and searchable, takes compressed spans beside them, merges and prunes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-v1-'));
    const file = join(dir, 'hub.sqlite');
    copyFileSync(FIXTURE, file);
    try {
      const store = new SqliteSpanStore({ file, backgroundCheckpoints: false });
      await store.fullTextIndexBuilt();
      // What the old hub made of each record: the end record wins, its start only fills gaps.
      const expected = new Map<string, Record<string, unknown>>();
      for (const record of v1Records()) expected.set(record.spanId as string, { ...expected.get(record.spanId as string), ...record });
      expect(store.spanCount()).toBe(expected.size);
      for (const [spanId, record] of expected) {
        const span = await store.getSpan(spanId);
        expect(span?.input).toEqual(record.input);
        expect(span?.output).toEqual(record.output);
        expect(span?.attributes).toMatchObject(record.attributes as object);
        if (record.error) expect(span?.error).toMatchObject(record.error as object);
      }
      const search = async (q: string) => (await store.listSpans({ limit: 100, q })).items.map((s) => s.spanId);
      expect(await search('heron')).toHaveLength(60);
      expect(await search('kestrel7')).toEqual([]); // span 7 failed: no output
      expect(await search('kestrel8')).toEqual([(0x5000 + 8).toString(16).padStart(16, '0')]);
      expect(await search('osprey')).toHaveLength(9);

      // A new span is stored compressed next to the old plain-text rows; both are found.
      const fresh = encode({ traceId: hexId(32), spanId: hexId(16), service: 'svc', name: 'op', startTime: 1_800_000_000_000, input: chatInput('heron') });
      await store.write([fresh]);
      expect(await search('heron')).toHaveLength(61);

      // An old plain-text span merged with a large new input: its old words leave the index.
      const oldId = (0x5000 + 3).toString(16).padStart(16, '0');
      const old = expected.get(oldId)!;
      await store.write([encode({ ...old, input: chatInput('grebe'), endTime: (old.endTime as number) + 1 })]);
      expect(await search('span3')).toEqual([]);
      expect(await search('grebe')).toEqual([oldId]);
      expect((await store.getSpan(oldId))?.input).toEqual(chatInput('grebe'));

      // Retention deletes old rows (plain text) through the same triggers.
      expect(await store.pruneOlderThan(1_700_000_000_000 + 30 * 1000)).toBe(30);
      expect(await search('heron')).toHaveLength(31);
      expect(await search('span10')).toEqual([]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
