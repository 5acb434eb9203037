import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpanRecord, type SpanRecordInput } from '@runtime-hub/protocol';
import { encodeSpan } from '../../ingest/encode.js';
import { hexId } from '../../testing/test-hub.js';
import { fullTextQuery } from './full-text.js';
import { SqliteSpanStore } from './sqlite-store.js';

function encode(input: Partial<SpanRecordInput>) {
  const result = encodeSpan(SpanRecord.parse({ traceId: hexId(32), spanId: hexId(16), service: 'svc', name: 'op', startTime: 1_000, ...input }));
  if (!result.ok) throw new Error(result.message);
  return result.span;
}

describe('fullTextQuery', () => {
  it('quotes every word and requires all; a word with a star after it is a prefix', () => {
    expect(fullTextQuery('Pelican fish')).toBe('"Pelican" "fish"');
    expect(fullTextQuery('pelic* fish')).toBe('"pelic"* "fish"');
    expect(fullTextQuery('p* fish')).toBe('"p" "fish"'); // one letter: the lists of too many words
    expect(fullTextQuery('a"b OR c*')).toBe('"a" "b" "OR" "c"');
    expect(fullTextQuery('input:gate')).toBe('"input" "gate"');
    expect(fullTextQuery('Müller 東京')).toBe('"Müller" "東京"');
    expect(fullTextQuery('-- "" () *')).toBeNull();
    expect(fullTextQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))!.split(' ')).toHaveLength(16);
  });
});

describe('the full-text index', () => {
  it('is rebuilt from the spans table when it was off while spans were stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-fts-store-'));
    const file = join(dir, 'hub.sqlite');
    try {
      let store = new SqliteSpanStore({ file, fullTextIndex: false, backgroundCheckpoints: false });
      const span = encode({ input: 'the heron waits' });
      await store.write([span]);
      expect((await store.listSpans({ limit: 10, q: 'heron' })).items).toHaveLength(0); // no index, no word search
      await store.close();

      store = new SqliteSpanStore({ file, backgroundCheckpoints: false });
      expect((await store.listSpans({ limit: 10, q: 'heron' })).items.map((s) => s.spanId)).toEqual([span.spanId]);
      await store.write([encode({ input: 'another heron' })]);
      expect((await store.listSpans({ limit: 10, q: 'heron' })).items).toHaveLength(2);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
