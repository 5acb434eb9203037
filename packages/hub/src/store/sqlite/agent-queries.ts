import type Database from 'better-sqlite3';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { AgentRunQuery, AgentRunSummary } from '../agent-runs.js';
import type { Page } from '../store.js';
import { UNPRICED_SQL, type TraceRow } from './trace-queries.js';
import { fullTextQuery, RECENT_MATCHING_SPAN_IDS } from './full-text.js';
import { likeContains, Where } from './where.js';

export type RunRow = Omit<TraceRow, 'root_status'>;

export interface RunRollup {
  trace_id: string;
  spans: number;
  errors: number;
  llm: number;
  tools: number;
  agents: number;
  turns: number;
  open: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  unpriced: number | null;
}

/**
 * Whether a trace is an agent run: its root is an agent, or one of its spans is an LLM call or an
 * agent. Read through the (trace_id, start_time) index, stopping at the first such span.
 */
const IS_AGENT_RUN = `(t.kind = 'agent' OR EXISTS (SELECT 1 FROM spans a WHERE a.trace_id = t.trace_id AND a.kind IN ('llm', 'agent')))`;

/** Agent runs newest first; counts, models and usage are aggregated for the page only. */
export function listAgentRuns(db: Database.Database, query: AgentRunQuery): Page<AgentRunSummary> {
  const where = new Where().add(IS_AGENT_RUN);
  if (query.service !== undefined) where.add('t.service = ?', query.service);
  if (query.q) {
    const match = fullTextQuery(query.q);
    const text = "t.name LIKE ? ESCAPE '\\' OR t.session_id LIKE ? ESCAPE '\\'";
    if (match === null) where.add(`(${text})`, likeContains(query.q), likeContains(query.q));
    else where.add(`(${text} OR t.trace_id IN (SELECT trace_id FROM spans WHERE id IN (${RECENT_MATCHING_SPAN_IDS})))`, likeContains(query.q), likeContains(query.q), match);
  }
  if (query.model !== undefined) where.add('EXISTS (SELECT 1 FROM spans m WHERE m.trace_id = t.trace_id AND m.model = ?)', query.model);
  if (query.state === 'error') where.add('t.has_error = 1');
  if (query.state === 'ok') where.add('t.has_error = 0 AND t.root_end_time IS NOT NULL');
  if (query.state === 'running') where.add('t.root_end_time IS NULL');
  if (query.from !== undefined) where.add('t.start_time >= ?', query.from);
  if (query.to !== undefined) where.add('t.start_time <= ?', query.to);
  if (query.cursor !== undefined) {
    const { t, k } = decodeCursor(query.cursor);
    where.add('(t.start_time < ? OR (t.start_time = ? AND t.rowid < ?))', t, t, k);
  }
  const rows = db
    .prepare(`SELECT t.rowid, t.* FROM traces t ${where.toSql()} ORDER BY t.start_time DESC, t.rowid DESC LIMIT ?`)
    .all(...where.params, query.limit + 1) as RunRow[];
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const ids = page.map((r) => r.trace_id);
  const rollups = rollup(db, ids);
  const models = modelsOf(db, ids);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => summary(row, rollups.get(row.trace_id), models.get(row.trace_id) ?? [])),
    nextCursor: more && last ? encodeCursor({ t: last.start_time, k: last.rowid }) : null,
  };
}

/** One agent run from its trace row, its span roll-up and its models (shared with the PostgreSQL store). */
export function summary(row: RunRow, r: RunRollup | undefined, models: string[]): AgentRunSummary {
  const rootIsAgent = row.kind === 'agent' ? 1 : 0;
  const llmCalls = r?.llm ?? 0;
  const turns = r?.turns ?? 0;
  const running = row.root_end_time === null || (r?.open ?? 0) > 0;
  const end = row.end_time ?? row.root_end_time;
  return {
    traceId: row.trace_id,
    name: row.name,
    service: row.service,
    kind: row.kind,
    sessionId: row.session_id,
    startTime: row.start_time,
    endTime: end,
    durationMs: end === null ? null : end - row.start_time,
    running,
    models,
    turns: turns > 0 ? turns : llmCalls,
    llmCalls,
    toolCalls: r?.tools ?? 0,
    subagents: Math.max(0, (r?.agents ?? 0) - rootIsAgent - turns),
    spanCount: r?.spans ?? 0,
    errorCount: r?.errors ?? 0,
    usage: {
      inputTokens: r?.input_tokens ?? 0,
      outputTokens: r?.output_tokens ?? 0,
      costUsd: r?.cost_usd ?? null,
      unpricedCalls: r?.unpriced ?? 0,
      costPartial: (r?.unpriced ?? 0) > 0,
    },
  };
}

function rollup(db: Database.Database, ids: string[]): Map<string, RunRollup> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT s.trace_id, count(*) AS spans, sum(s.status = 'error') AS errors, sum(s.kind = 'llm') AS llm,
        sum(s.kind = 'tool') AS tools, sum(s.kind = 'agent') AS agents,
        sum(s.kind = 'agent' AND s.name LIKE 'turn: %') AS turns, sum(s.end_time IS NULL) AS open,
        sum(s.input_tokens) AS input_tokens, sum(s.output_tokens) AS output_tokens, sum(s.cost_usd) AS cost_usd,
        sum(${UNPRICED_SQL}) AS unpriced
       FROM spans s WHERE s.trace_id IN (${ids.map(() => '?').join(', ')}) GROUP BY s.trace_id`,
    )
    .all(...ids) as RunRollup[];
  return new Map(rows.map((r) => [r.trace_id, r]));
}

function modelsOf(db: Database.Database, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT trace_id, model, count(*) AS n FROM spans WHERE trace_id IN (${ids.map(() => '?').join(', ')}) AND model IS NOT NULL
       GROUP BY trace_id, model ORDER BY n DESC`,
    )
    .all(...ids) as { trace_id: string; model: string }[];
  for (const row of rows) out.set(row.trace_id, [...(out.get(row.trace_id) ?? []), row.model]);
  return out;
}
