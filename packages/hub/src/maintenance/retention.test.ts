import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanRecord } from '@runtime-hub/protocol';
import { encodeSpan } from '../ingest/encode.js';
import { SqliteSpanStore } from '../store/sqlite/sqlite-store.js';
import { applyRetention } from './retention.js';
import { postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

const DAY = 86_400_000;
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ retentionDays: 2, maxDbMb: 2, retentionIntervalMs: 300 });
});
afterAll(() => t.close());

async function count(query: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res: Response = await fetch(`${t.url}/api/v1/spans?limit=1000&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    const page = (await res.json()) as { spans: unknown[]; nextCursor: string | null };
    n += page.spans.length;
    cursor = page.nextCursor;
  } while (cursor);
  return n;
}

describe('retention', () => {
  it('deletes spans past the age limit and keeps the database under the size cap', async () => {
    const now = Date.now();
    await postSpans(t.url, Array.from({ length: 50 }, () => spanRecord({ service: 'old', startTime: now - 3 * DAY, endTime: now - 3 * DAY + 1 })));
    // Random text: payloads are stored compressed, and a repeated letter would shrink to nothing.
    const blob = randomBytes(3_000).toString('base64');
    for (let batch = 0; batch < 10; batch++) {
      // Each record ends after it starts: an end before the start is refused (INVALID_TIME).
      const res = await postSpans(t.url, Array.from({ length: 200 }, (_, i) => spanRecord({ service: 'fresh', startTime: now + batch * 200 + i, endTime: now + batch * 200 + i + 1, input: { blob } })));
      expect(((await res.json()) as { accepted: number }).accepted).toBe(200);
    }
    const store = t.hub.ctx.store;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (store.sizeBytes() > 2.5 * 1024 * 1024 || (await count('service=old')) > 0)) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await count('service=old')).toBe(0);
    expect(store.sizeBytes()).toBeLessThanOrEqual(2.5 * 1024 * 1024);
    const fresh = await count('service=fresh');
    expect(fresh).toBeGreaterThan(0);
    expect(fresh).toBeLessThan(2_000);
    // The newest spans are the ones kept.
    const newest = (await (await fetch(`${t.url}/api/v1/spans?service=fresh&limit=1`)).json()) as { spans: { startTime: number }[] };
    expect(newest.spans[0]!.startTime).toBe(now + 1_999);
  });
});

describe('retention and annotations', () => {
  it('deletes the bookmarks and notes of the spans it deletes, and keeps the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-retention-notes-'));
    const store = new SqliteSpanStore({ file: join(dir, 'hub.sqlite'), backgroundCheckpoints: false });
    try {
      const now = Date.now();
      const encoded = [now - 3 * DAY, now].map((startTime) => {
        const result = encodeSpan(SpanRecord.parse(spanRecord({ startTime, endTime: startTime + 1 })));
        if (!result.ok) throw new Error(result.message);
        return result.span;
      });
      await store.write(encoded);
      for (const span of encoded) {
        await store.addAnnotation({ spanId: span.spanId, traceId: span.traceId, kind: 'bookmark' });
        await store.addAnnotation({ spanId: span.spanId, traceId: span.traceId, kind: 'note', text: 'look here', label: 'bug', score: 2 });
      }
      expect(await applyRetention(store, { retentionDays: 2, intervalMs: 60_000 }, now)).toBe(1);
      const left = (await store.listAnnotations({ limit: 50 })).items;
      expect(left.map((a) => a.spanId)).toEqual([encoded[1]!.spanId, encoded[1]!.spanId]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
