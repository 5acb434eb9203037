import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Span } from '@runtime-hub/protocol';
import { createPool } from '../store/postgres/pool.js';
import { migrate } from '../store/postgres/migrate.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { FileBranchIndex, PostgresBranchIndex, type BranchIndex } from './branches.js';
import { REPLAY_ATTRIBUTES } from './recording.js';

let server: PostgresServer | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await server?.close();
});

/** Two hubs' indexes on one store (the second may start later), and a way to wait for writes in flight. */
interface Fixture {
  open(): BranchIndex;
  settle(index: BranchIndex): Promise<void>;
}

const stores: { name: string; make(): Promise<Fixture> }[] = [
  {
    name: 'file',
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rh-branches-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return { open: () => new FileBranchIndex(dir), settle: () => Promise.resolve() };
    },
  },
  {
    name: 'postgres',
    make: async () => {
      server ??= await startPostgres();
      const pool = createPool(await server.createDatabase(), { max: 2 });
      cleanups.push(() => pool.end());
      await migrate(pool);
      return { open: () => new PostgresBranchIndex(pool), settle: (index) => index.close() };
    },
  },
];

const id = (n: number, length: 16 | 32) => n.toString(16).padStart(length, '0');

function span(traceId: string, startTime: number, attributes: Record<string, unknown> = {}): Span {
  return { traceId, spanId: id(startTime, 16), parentSpanId: null, name: 'agent', kind: 'agent', service: 's', startTime, endTime: startTime + 1, status: 'ok', attributes, seq: startTime } as unknown as Span;
}

describe.each(stores)('replay branch index ($name)', ({ make }) => {
  it('indexes replays from committed spans, both ways, and a hub opened later sees them', async () => {
    const { open, settle } = await make();
    const original = id(1, 32);
    const first = open();
    first.observe([
      span(id(2, 32), 20, { [REPLAY_ATTRIBUTES.of]: original, [REPLAY_ATTRIBUTES.fromSpan]: id(7, 16) }),
      span(id(3, 32), 10, { [REPLAY_ATTRIBUTES.of]: original, [REPLAY_ATTRIBUTES.fromSpan]: id(8, 16) }),
      span(id(4, 32), 30), // not a replay
      span(id(5, 32), 40, { [REPLAY_ATTRIBUTES.of]: 'not-a-trace-id', [REPLAY_ATTRIBUTES.fromSpan]: id(9, 16) }),
      span(id(6, 32), 50, { [REPLAY_ATTRIBUTES.of]: id(6, 32), [REPLAY_ATTRIBUTES.fromSpan]: id(9, 16) }), // of itself
    ]);
    // The same trace seen again (a later batch) keeps its first link.
    first.observe([span(id(2, 32), 60, { [REPLAY_ATTRIBUTES.of]: id(99, 32), [REPLAY_ATTRIBUTES.fromSpan]: id(9, 16) })]);
    await settle(first);
    const expected = [
      { traceId: id(3, 32), replayOf: original, fromSpan: id(8, 16), startTime: 10 },
      { traceId: id(2, 32), replayOf: original, fromSpan: id(7, 16), startTime: 20 },
    ];
    for (const index of [first, open()]) {
      expect(await index.branches(original)).toEqual(expected);
      expect(await index.branchOf(id(2, 32))).toEqual(expected[1]);
      expect(await index.branchOf(id(4, 32))).toBeUndefined();
      expect(await index.branchOf(id(5, 32))).toBeUndefined();
      expect(await index.branchOf(id(6, 32))).toBeUndefined();
      expect(await index.branches(id(99, 32))).toEqual([]);
    }
  }, 60_000);
});
