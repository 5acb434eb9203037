import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SpanRecord, type SpanRecordInput } from '@runtime-hub/protocol';
import { encodeSpan } from '../../ingest/encode.js';
import { hexId } from '../../testing/test-hub.js';
import { ensureFullTextIndex, fullTextQuery } from './full-text.js';
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
      await store.fullTextIndexBuilt();
      expect((await store.listSpans({ limit: 10, q: 'heron' })).items.map((s) => s.spanId)).toEqual([span.spanId]);
      await store.write([encode({ input: 'another heron' })]);
      expect((await store.listSpans({ limit: 10, q: 'heron' })).items).toHaveLength(2);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('indexes a span started and ended in one batch with its final text, and a span stored under an id retention freed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-fts-store-'));
    try {
      const store = new SqliteSpanStore({ file: join(dir, 'hub.sqlite'), backgroundCheckpoints: false });
      const ids = { traceId: hexId(32), spanId: hexId(16) };
      await store.write([encode({ ...ids, input: 'first egret' }), encode({ ...ids, input: 'second osprey', output: 'done', endTime: 1_010, status: 'ok' })]);
      expect((await store.listSpans({ limit: 10, q: 'osprey' })).items.map((s) => s.spanId)).toEqual([ids.spanId]);
      expect((await store.listSpans({ limit: 10, q: 'egret' })).items).toHaveLength(0);

      // Retention deletes every span, the newest included; the next span may reuse its row id.
      expect(await store.pruneOlderThan(Date.now())).toBe(1);
      const next = encode({ input: 'a fresh kestrel', startTime: Date.now() });
      await store.write([next]);
      expect((await store.listSpans({ limit: 10, q: 'kestrel' })).items.map((s) => s.spanId)).toEqual([next.spanId]);
      expect((await store.listSpans({ limit: 10, q: 'osprey' })).items).toHaveLength(0);
      await store.close();
      const db = new Database(join(dir, 'hub.sqlite'));
      db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('integrity-check')"); // throws when the index and the spans disagree
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('building the index for a database stored without it', () => {
  const many = (n: number, word: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => encode({ input: `${word(i)} number ${i}`, startTime: 1_000 + i, endTime: 1_001 + i, status: 'ok' }));

  it('is not done while the database opens: the stored spans are marked as owed and nothing is indexed yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-fts-open-'));
    const file = join(dir, 'hub.sqlite');
    try {
      const seed = new SqliteSpanStore({ file, fullTextIndex: false, backgroundCheckpoints: false });
      await seed.write(many(3_000, () => 'plover'));
      await seed.close();
      const db = new Database(file);
      expect(ensureFullTextIndex(db, true)).toBe(true);
      expect(db.prepare('SELECT done_up_to, up_to FROM fts_backfill').get()).toEqual({ done_up_to: 0, up_to: 3_000 });
      expect(db.prepare(`SELECT count(*) FROM spans_fts WHERE spans_fts MATCH '"plover"'`).pluck().get()).toBe(0);
      // Opening again while the build is owed keeps the range (the next start resumes it).
      expect(ensureFullTextIndex(db, true)).toBe(true);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds on the writer thread in chunks while spans are written, merged and pruned, and resumes after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-fts-build-'));
    const file = join(dir, 'hub.sqlite');
    try {
      let store = new SqliteSpanStore({ file, fullTextIndex: false, backgroundCheckpoints: false });
      const old = many(12_000, (i) => (i % 2 ? 'curlew' : 'dunlin'));
      for (let i = 0; i < old.length; i += 2_000) await store.write(old.slice(i, i + 2_000));
      await store.close();

      store = new SqliteSpanStore({ file, backgroundCheckpoints: false });
      // While it builds: a new span is found at once, an old one merged with new text, old ones pruned.
      const fresh = encode({ input: 'a fresh sanderling', startTime: 50_000 });
      await store.write([fresh]);
      expect((await store.listSpans({ limit: 10, q: 'sanderling' })).items.map((s) => s.spanId)).toEqual([fresh.spanId]);
      const last = old.at(-1)!;
      await store.write([encode({ traceId: last.traceId, spanId: last.spanId, input: 'renamed whimbrel', startTime: last.startTime, endTime: last.startTime + 5, status: 'ok' })]);
      expect(await store.pruneOlderThan(1_100)).toBe(100);
      await store.close(); // likely mid-build: the next start must carry on

      store = new SqliteSpanStore({ file, backgroundCheckpoints: false });
      await store.fullTextIndexBuilt();
      const count = async (q: string) => {
        let n = 0;
        let cursor: string | undefined;
        do {
          const page = await store.listSpans({ limit: 500, q, ...(cursor ? { cursor } : {}) });
          n += page.items.length;
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return n;
      };
      expect(await count('curlew')).toBe(6_000 - 50 - 1); // odd ones, minus 50 pruned and the renamed one
      expect(await count('dunlin')).toBe(6_000 - 50);
      expect(await count('whimbrel')).toBe(1);
      expect(await count('sanderling')).toBe(1);
      await store.close();
      const db = new Database(file);
      db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('integrity-check')");
      expect(db.prepare('SELECT count(*) FROM fts_backfill').pluck().get()).toBe(0);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
