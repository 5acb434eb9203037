import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpanRecord } from '@runtime-hub/protocol';
import { encodeSpan } from '../../ingest/encode.js';
import { hexId } from '../../testing/test-hub.js';
import { WRITER_STEPS_IN } from './span-writer.js';
import { SqliteSpanStore } from './sqlite-store.js';

const LIMIT = 1024 * 1024;
const BATCHES = 40;
const PER_BATCH = 100;

function batch(startTime: number) {
  return Array.from({ length: PER_BATCH }, (_, i) => {
    // Random text does not compress: each span costs about 2 KB in the WAL, like a large payload would.
    const result = encodeSpan(SpanRecord.parse({
      traceId: hexId(32), spanId: hexId(16), service: 'svc', name: 'op', startTime: startTime + i, endTime: startTime + i + 1, status: 'ok',
      input: { text: randomBytes(1_500).toString('base64') },
    }));
    if (!result.ok) throw new Error(result.message);
    return result.span;
  });
}

/** Writes BATCHES batches one after another and answers the largest WAL file seen meanwhile. */
async function largestWal(options: { walLimitBytes: number; backgroundCheckpoints: boolean }): Promise<{ largest: number; walFile: string; store: SqliteSpanStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rh-wal-'));
  const file = join(dir, 'hub.sqlite');
  const store = new SqliteSpanStore({ file, ...options });
  let largest = 0;
  // Sampled while the writer thread works, not only between batches.
  const sample = () => {
    try {
      largest = Math.max(largest, statSync(`${file}-wal`).size);
    } catch {
      // truncated away between two samples
    }
  };
  const sampler = setInterval(sample, 2);
  for (let b = 0; b < BATCHES; b++) {
    await store.write(batch(1_000_000 + b * PER_BATCH));
    sample();
  }
  clearInterval(sampler);
  return { largest, walFile: `${file}-wal`, store, dir };
}

describe('the WAL while ingesting', () => {
  it('stays within its bound, give or take a few batches, over a long ingest, where without the bound it holds the whole burst', async () => {
    // Without the bound (and without the checkpoint thread, whose PASSIVE checkpoints only let the
    // WAL start over when a pause in writes lets them catch up) the WAL holds the whole burst.
    const unbounded = await largestWal({ walLimitBytes: 0, backgroundCheckpoints: false });
    await unbounded.store.close();
    rmSync(unbounded.dir, { recursive: true, force: true });
    // Every batch rewrites the pages it touches (table, indexes, full-text segments) into the WAL.
    const perBatch = unbounded.largest / BATCHES;
    console.log(`largest WAL ${unbounded.largest} bytes without a bound (${Math.round(perBatch)} per batch)`);
    expect(unbounded.largest).toBeGreaterThan(10 * LIMIT);

    const bounded = await largestWal({ walLimitBytes: LIMIT, backgroundCheckpoints: true });
    try {
      console.log(`largest WAL ${bounded.largest} bytes with a bound of ${LIMIT}`);
      expect(bounded.store.spanCount()).toBe(BATCHES * PER_BATCH);
      // The checkpoint thread copies the WAL back while the writer goes on, and the writer
      // truncates it after the batch that follows; a checkpoint thread that falls behind (each
      // batch here writes more than the whole limit) has the writer truncate it by
      // WRITER_STEPS_IN limits, after that batch or, if the checkpoint lock was taken, the next.
      expect(bounded.largest).toBeLessThan(WRITER_STEPS_IN * LIMIT + 2 * perBatch);
      expect((await bounded.store.listSpans({ limit: 1 })).items).toHaveLength(1);
    } finally {
      await bounded.store.close();
      rmSync(bounded.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
