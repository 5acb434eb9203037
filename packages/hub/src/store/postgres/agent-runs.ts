import type pg from 'pg';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { AgentRunQuery, AgentRunSummary } from '../agent-runs.js';
import type { Page } from '../store.js';
import { summary, type RunRollup, type RunRow } from '../sqlite/agent-queries.js';
import { UNPRICED_SQL } from './span-reads.js';
import { likeContains, numbered, RECENT_MATCHES, tsQuery, Where } from './where.js';

/** Whether a trace is an agent run: its root is an agent, or one of its spans is an LLM call or an agent. */
const IS_AGENT_RUN = `(t.kind = 'agent' OR EXISTS (SELECT 1 FROM spans a WHERE a.trace_id = t.trace_id AND a.kind IN ('llm', 'agent')))`;

/** Agent runs newest first, the same query as the SQLite store's (sqlite/agent-queries.ts); roll-ups for the page only. */
export async function listAgentRuns(db: pg.Pool, query: AgentRunQuery): Promise<Page<AgentRunSummary>> {
  const where = new Where().add(IS_AGENT_RUN);
  if (query.service !== undefined) where.add('t.service = ?', query.service);
  if (query.q) {
    const match = tsQuery(query.q);
    const text = 't.name ILIKE ? OR t.session_id ILIKE ?';
    if (match === null) where.add(`(${text})`, likeContains(query.q), likeContains(query.q));
    else {
      where.add(
        `(${text} OR t.trace_id IN (SELECT trace_id FROM spans WHERE id IN (${RECENT_MATCHES})))`,
        likeContains(query.q),
        likeContains(query.q),
        match,
      );
    }
  }
  if (query.model !== undefined) where.add('EXISTS (SELECT 1 FROM spans m WHERE m.trace_id = t.trace_id AND m.model = ?)', query.model);
  if (query.state === 'error') where.add('t.has_error = 1');
  if (query.state === 'ok') where.add('t.has_error = 0 AND t.root_end_time IS NOT NULL');
  if (query.state === 'running') where.add('t.root_end_time IS NULL');
  if (query.from !== undefined) where.add('t.start_time >= ?', query.from);
  if (query.to !== undefined) where.add('t.start_time <= ?', query.to);
  if (query.cursor !== undefined) {
    const { t, k } = decodeCursor(query.cursor);
    where.add('(t.start_time, t.id) < (?, ?)', t, k);
  }
  const { rows } = await db.query<RunRow & { id: number }>(
    numbered(`SELECT t.id AS rowid, t.* FROM traces t ${where.toSql()} ORDER BY t.start_time DESC, t.id DESC LIMIT ?`),
    [...where.params, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const ids = page.map((r) => r.trace_id);
  const [rollups, models] = await Promise.all([rollup(db, ids), modelsOf(db, ids)]);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => summary(row, rollups.get(row.trace_id), models.get(row.trace_id) ?? [])),
    nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.id }) : null,
  };
}

async function rollup(db: pg.Pool, ids: string[]): Promise<Map<string, RunRollup>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<RunRollup>(
    `SELECT s.trace_id, count(*) AS spans, sum((s.status = 'error')::int) AS errors, sum((s.kind = 'llm')::int) AS llm,
       sum((s.kind = 'tool')::int) AS tools, sum((s.kind = 'agent')::int) AS agents,
       sum((s.kind = 'agent' AND s.name LIKE 'turn: %')::int) AS turns, sum((s.end_time IS NULL)::int) AS open,
       sum(s.input_tokens) AS input_tokens, sum(s.output_tokens) AS output_tokens, sum(s.cost_usd) AS cost_usd,
       sum(${UNPRICED_SQL}) AS unpriced
     FROM spans s WHERE s.trace_id = ANY($1) GROUP BY s.trace_id`,
    [ids],
  );
  return new Map(rows.map((r) => [r.trace_id, r]));
}

async function modelsOf(db: pg.Pool, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const { rows } = await db.query<{ trace_id: string; model: string }>(
    `SELECT trace_id, model, count(*) AS n FROM spans WHERE trace_id = ANY($1) AND model IS NOT NULL
     GROUP BY trace_id, model ORDER BY n DESC, model`,
    [ids],
  );
  for (const row of rows) out.set(row.trace_id, [...(out.get(row.trace_id) ?? []), row.model]);
  return out;
}
