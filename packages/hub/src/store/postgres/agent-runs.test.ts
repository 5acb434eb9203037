import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanRecord, type SpanRecordInput } from '@runtime-hub/protocol';
import { encodeSpan } from '../../ingest/encode.js';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { hexId } from '../../testing/test-hub.js';
import type { EncodedSpan } from '../encoded-span.js';
import { SqliteSpanStore } from '../sqlite/sqlite-store.js';
import type { SpanStore } from '../store.js';
import { PostgresSpanStore } from './postgres-store.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());

const encode = (input: Partial<SpanRecordInput>): EncodedSpan => {
  const result = encodeSpan(SpanRecord.parse({ traceId: hexId(32), spanId: hexId(16), service: 'agents', name: 'op', startTime: 1_000, ...input }));
  if (!result.ok) throw new Error(result.message);
  return result.span;
};

/** Agent runs as the Agents view reads them: the same spans give the same page from either store. */
describe('agent runs on PostgreSQL', () => {
  it('lists the same runs, roll-ups, models and pages as the SQLite store', async () => {
    const batches: EncodedSpan[][] = [];
    for (let i = 0; i < 5; i++) {
      const traceId = hexId(32);
      const root = hexId(16);
      const turn = hexId(16);
      batches.push([
        encode({ traceId, spanId: root, kind: 'agent', name: `agent-${i} pelican`, sessionId: `s-${i % 2}`, startTime: 10_000 + i * 100, endTime: i === 4 ? undefined : 10_000 + i * 100 + 90, status: i === 4 ? 'unset' : 'ok' }),
        encode({ traceId, spanId: turn, parentSpanId: root, kind: 'agent', name: 'turn: 1', startTime: 10_001 + i * 100, endTime: 10_050 + i * 100, status: 'ok' }),
        encode({ traceId, parentSpanId: turn, kind: 'llm', name: 'chat', startTime: 10_002 + i * 100, endTime: 10_040 + i * 100, status: i === 2 ? 'error' : 'ok', error: i === 2 ? { type: 'E', message: 'm' } : null, attributes: { 'gen_ai.request.model': i % 2 ? 'gpt-4o' : 'claude-3', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 } }),
        encode({ traceId, parentSpanId: turn, kind: 'tool', name: 'search', startTime: 10_003 + i * 100, endTime: 10_010 + i * 100, status: 'ok' }),
      ]);
    }
    batches.push([encode({ kind: 'function', name: 'not an agent run', startTime: 10_900, endTime: 10_901, status: 'ok' })]);
    const dir = mkdtempSync(join(tmpdir(), 'rh-agents-'));
    const stores: SpanStore[] = [new SqliteSpanStore({ file: join(dir, 'hub.sqlite') }), await PostgresSpanStore.open({ url: await server.createDatabase() })];
    try {
      for (const store of stores) for (const batch of batches) await store.write(batch);
      const [sqlite, postgres] = stores as [SpanStore, SpanStore];
      const queries = [{ limit: 10 }, { limit: 2 }, { limit: 10, state: 'running' as const }, { limit: 10, state: 'error' as const }, { limit: 10, q: 'pelican' }, { limit: 10, model: 'gpt-4o' }];
      for (const query of queries) {
        const expected = await sqlite.listAgentRuns!(query);
        const actual = await postgres.listAgentRuns!(query);
        expect(actual.items).toEqual(expected.items);
        expect(actual.nextCursor === null).toBe(expected.nextCursor === null);
      }
      const first = await postgres.listAgentRuns!({ limit: 2 });
      expect(first.items.map((r) => r.name)).toEqual(['agent-4 pelican', 'agent-3 pelican']);
      expect(first.items[0]).toMatchObject({ running: true, llmCalls: 1, toolCalls: 1, turns: 1, models: ['claude-3'] });
      const second = await postgres.listAgentRuns!({ limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((r) => r.name)).toEqual(['agent-2 pelican', 'agent-1 pelican']);
    } finally {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
