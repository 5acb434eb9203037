import { describe, expect, it } from 'vitest';
import { SpanRecord, type Span, type SpanRecordInput } from '@runtime-hub/protocol';
import { encodeSpan } from '../ingest/encode.js';
import { hexId } from '../testing/test-hub.js';
import type { ChangeFeed } from './change-feed.js';
import type { EncodedSpan } from './encoded-span.js';
import type { SpanStore } from './store.js';

export interface FeedFixture {
  /** The store this hub writes to and the feed over it. */
  store: SpanStore;
  feed: ChangeFeed;
  /**
   * Another writer on the same database (another hub's store), whose writes this feed is never
   * told about; only for feeds that serve several writers.
   */
  peer?: SpanStore;
  close(): Promise<void>;
}

/**
 * The change-feed contract as tests (change-feed.ts): every change reaches the listeners once, in
 * seq order, and everything at or below `lastSeq()` is committed and replayable.
 */
export function runChangeFeedConformance(name: string, open: () => Promise<FeedFixture>, options: { peers: boolean }): void {
  const encode = (input: Partial<SpanRecordInput> = {}): EncodedSpan => {
    const result = encodeSpan(SpanRecord.parse({ traceId: hexId(32), spanId: hexId(16), service: 'feed', name: 'op', startTime: 1_000, ...input }));
    if (!result.ok) throw new Error(result.message);
    return result.span;
  };
  /** Writes as ingest does: commit, then tell the feed. */
  const write = async (f: FeedFixture, spans: EncodedSpan[]) => {
    const written = await f.store.write(spans);
    f.feed.publish(written);
    return written;
  };
  const until = async (predicate: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const expectOrdered = (received: Span[]) => {
    for (let i = 1; i < received.length; i++) expect(received[i]!.seq).toBeGreaterThan(received[i - 1]!.seq);
  };

  describe(`${name} change feed conformance`, () => {
    it('hands committed writes to listeners in seq order and replays them', async () => {
      const f = await open();
      const received: Span[] = [];
      f.feed.onChanges((spans) => received.push(...spans));
      const start = f.feed.lastSeq();
      const first = await write(f, [encode({ service: 'a' }), encode({ service: 'b' })]);
      const second = await write(f, [encode({ service: 'a' })]);
      await until(() => received.length === 3, 'three changes');
      expect(received.map((s) => s.spanId)).toEqual([...first, ...second].map((s) => s.spanId));
      expectOrdered(received);
      expect(f.feed.lastSeq()).toBe(second[0]!.seq);
      const replay = await f.feed.changesBetween({ service: 'a' }, start, f.feed.lastSeq(), 100);
      expect(replay.map((s) => s.spanId)).toEqual([first[0]!.spanId, second[0]!.spanId]);
      expect((await f.feed.recentChanges({}, f.feed.lastSeq(), 1)).map((s) => s.spanId)).toEqual([second[0]!.spanId]);
      await f.close();
    });

    it('sends an updated span again under its new seq; a replay has it once, in its latest state', async () => {
      const f = await open();
      const received: Span[] = [];
      f.feed.onChanges((spans) => received.push(...spans));
      const start = f.feed.lastSeq();
      const ids = { traceId: hexId(32), spanId: hexId(16) };
      await write(f, [encode({ ...ids })]);
      await write(f, [encode({ ...ids, endTime: 1_005, status: 'ok' })]);
      await until(() => received.length === 2, 'both versions');
      expect(received.map((s) => s.status)).toEqual(['unset', 'ok']);
      const replay = await f.feed.changesBetween({}, start, f.feed.lastSeq(), 100);
      expect(replay).toHaveLength(1);
      expect(replay[0]).toMatchObject({ spanId: ids.spanId, status: 'ok', seq: received[1]!.seq });
      await f.close();
    });

    it('keeps delivering to the other listeners when one throws, and stops a removed one', async () => {
      const f = await open();
      const kept: Span[] = [];
      const removed: Span[] = [];
      f.feed.onChanges(() => {
        throw new Error('a broken listener');
      });
      f.feed.onChanges((spans) => kept.push(...spans));
      const remove = f.feed.onChanges((spans) => removed.push(...spans));
      await write(f, [encode()]);
      await until(() => kept.length === 1, 'the first change');
      remove();
      await write(f, [encode()]);
      await until(() => kept.length === 2, 'the second change');
      expect(removed).toHaveLength(1);
      await f.close();
    });

    it('delivers concurrent writes exactly once, in seq order, and never moves past a change it cannot replay', async () => {
      const f = await open();
      const received: Span[] = [];
      const replayChecks: Promise<void>[] = [];
      const start = f.feed.lastSeq();
      f.feed.onChanges((spans) => {
        received.push(...spans);
        // Whatever the feed hands over is committed: a replay up to its lastSeq already has it.
        const upTo = f.feed.lastSeq();
        const newest = spans[spans.length - 1]!;
        expect(upTo).toBeGreaterThanOrEqual(newest.seq);
        replayChecks.push(
          f.feed.changesBetween({}, newest.seq - 1, upTo, 1000).then((replay) => {
            expect(replay.length).toBeGreaterThan(0);
          }),
        );
      });
      const writes = Array.from({ length: 20 }, () => write(f, Array.from({ length: 25 }, () => encode())));
      const written = (await Promise.all(writes)).flat();
      await until(() => received.length === written.length, `${written.length} changes`);
      expectOrdered(received);
      expect(new Set(received.map((s) => s.spanId))).toEqual(new Set(written.map((s) => s.spanId)));
      await Promise.all(replayChecks);
      const replay = await f.feed.changesBetween({}, start, f.feed.lastSeq(), 1000);
      expect(replay.map((s) => s.seq)).toEqual(received.map((s) => s.seq));
      await f.close();
    });

    // A feed over a database only one process writes (SQLite) has no other writer to hear from.
    if (options.peers) it('delivers another writer\'s commits too, interleaved with its own, without gap or duplicate', async () => {
      const f = await open();
      const peer = f.peer!;
      const received: Span[] = [];
      f.feed.onChanges((spans) => received.push(...spans));
      const start = f.feed.lastSeq();
      const own = Array.from({ length: 15 }, () => write(f, Array.from({ length: 20 }, () => encode({ service: 'own' }))));
      const theirs = Array.from({ length: 15 }, () => peer.write(Array.from({ length: 20 }, () => encode({ service: 'peer' }))));
      const written = (await Promise.all([...own, ...theirs])).flat();
      await until(() => received.length === written.length, `${written.length} changes from both writers`);
      expectOrdered(received);
      expect(new Set(received.map((s) => s.spanId)).size).toBe(written.length);
      const replay = await f.feed.changesBetween({}, start, f.feed.lastSeq(), 1000);
      expect(replay.map((s) => s.seq)).toEqual(received.map((s) => s.seq));
      await f.close();
    });
  });
}
