import type { Span } from '../api/types';

/** Per-run roll-ups for the Agents view's tabs: tools, files, subagents and analytics. Pure. */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The q-th quantile (0..1) of sorted numbers, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface ToolStats {
  name: string;
  count: number;
  failures: number;
  running: number;
  p50: number | null;
  p95: number | null;
  calls: Span[];
}

export function toolStats(spans: readonly Span[]): ToolStats[] {
  const byName = new Map<string, Span[]>();
  for (const span of spans) {
    if (span.kind !== 'tool') continue;
    const list = byName.get(span.name);
    if (list) list.push(span);
    else byName.set(span.name, [span]);
  }
  return [...byName].map(([name, calls]) => {
    const durations = calls.flatMap((c) => (c.durationMs === null ? [] : [c.durationMs])).sort((a, b) => a - b);
    return {
      name,
      count: calls.length,
      failures: calls.filter((c) => c.status === 'error').length,
      running: calls.filter((c) => c.endTime === null).length,
      p50: quantile(durations, 0.5),
      p95: quantile(durations, 0.95),
      calls: [...calls].sort((a, b) => a.startTime - b.startTime),
    };
  }).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

export type FileAction = 'read' | 'edit' | 'write';

export interface FileChange {
  span: Span;
  action: FileAction;
  /** Edit: the text replaced and its replacement (MultiEdit: one entry per edit). */
  edits?: { oldText: string; newText: string }[];
  /** Write: the new content. */
  content?: string;
}

export interface FileRow {
  path: string;
  reads: number;
  edits: number;
  writes: number;
  changes: FileChange[];
}

/** Claude Code's file tools and the action each stands for. */
const FILE_TOOLS: Record<string, FileAction> = { Read: 'read', Edit: 'edit', MultiEdit: 'edit', NotebookEdit: 'edit', Write: 'write' };

/** The files a Claude Code session read, edited and wrote, from its tool calls' inputs. */
export function filesOf(spans: readonly Span[]): FileRow[] {
  const rows = new Map<string, FileRow>();
  for (const span of [...spans].sort((a, b) => a.startTime - b.startTime)) {
    const action = span.kind === 'tool' ? FILE_TOOLS[span.name] : undefined;
    const input = span.input;
    if (!action || !isObj(input)) continue;
    const path = typeof input.file_path === 'string' ? input.file_path : typeof input.notebook_path === 'string' ? input.notebook_path : undefined;
    if (!path) continue;
    let row = rows.get(path);
    if (!row) rows.set(path, (row = { path, reads: 0, edits: 0, writes: 0, changes: [] }));
    const change: FileChange = { span, action };
    if (action === 'read') row.reads++;
    if (action === 'write') {
      row.writes++;
      if (typeof input.content === 'string') change.content = input.content;
    }
    if (action === 'edit') {
      row.edits++;
      const list = Array.isArray(input.edits) ? input.edits.filter(isObj) : [input];
      change.edits = list.map((e) => ({ oldText: text(e.old_string), newText: text(e.new_string ?? e.new_source) }));
    }
    row.changes.push(change);
  }
  return [...rows.values()].sort((a, b) => b.edits + b.writes - (a.edits + a.writes) || b.reads - a.reads || a.path.localeCompare(b.path));
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

export interface Totals {
  llmCalls: number;
  toolCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  unpricedCalls: number;
  costPartial: boolean;
}

export function emptyTotals(): Totals {
  return { llmCalls: 0, toolCalls: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: null, unpricedCalls: 0, costPartial: false };
}

export function addSpan(t: Totals, span: Span): void {
  if (span.kind === 'llm') t.llmCalls++;
  if (span.kind === 'tool') t.toolCalls++;
  if (span.status === 'error') t.errors++;
  const u = span.usage;
  if (!u) return;
  t.inputTokens += u.inputTokens ?? 0;
  t.outputTokens += u.outputTokens ?? 0;
  if (u.costUsd !== undefined) t.costUsd = (t.costUsd ?? 0) + u.costUsd;
  else if ((u.inputTokens ?? 0) > 0 || (u.outputTokens ?? 0) > 0) {
    t.unpricedCalls++;
    t.costPartial = true;
  }
}

export interface AgentNode {
  span: Span;
  /** Own work: spans whose nearest agent ancestor is this agent (turns count as the agent's). */
  totals: Totals;
  turns: number;
  children: AgentNode[];
}

const isTurn = (s: Span) => s.kind === 'agent' && s.name.startsWith('turn: ');

/**
 * Agents nested: the root and every agent span other than a Claude Code turn, each with the
 * turns, calls, tokens and cost of the work under it down to the next agent.
 */
export function agentTree(spans: readonly Span[]): AgentNode[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const nodes = new Map<string, AgentNode>();
  const isAgent = (s: Span) => (s.kind === 'agent' && !isTurn(s)) || !s.parentSpanId || !byId.has(s.parentSpanId);
  const sorted = [...spans].sort((a, b) => a.startTime - b.startTime);
  for (const s of sorted) if (isAgent(s)) nodes.set(s.spanId, { span: s, totals: emptyTotals(), turns: 0, children: [] });
  const ownerOf = (s: Span): AgentNode | undefined => {
    let at = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    for (let guard = 0; at && guard < 10_000; guard++) {
      const node = nodes.get(at.spanId);
      if (node) return node;
      at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined;
    }
    return undefined;
  };
  const roots: AgentNode[] = [];
  for (const s of sorted) {
    const node = nodes.get(s.spanId);
    const owner = ownerOf(s);
    if (node) {
      if (owner) owner.children.push(node);
      else roots.push(node);
      addSpan(node.totals, s);
      continue;
    }
    if (!owner) continue;
    if (isTurn(s)) owner.turns++;
    addSpan(owner.totals, s);
  }
  return roots;
}

export interface Analytics {
  totals: Totals;
  /** LLM calls in end order: when, running totals of tokens and cost. */
  series: { time: number[]; tokens: number[]; cost: number[] };
  perModel: { model: string; calls: number; inputTokens: number; outputTokens: number; costUsd: number | null }[];
  errorsByKind: { kind: string; count: number }[];
  /** Tokens of the run's LLM calls per tool call (how much model work each tool call costs). */
  tokensPerToolCall: number | null;
}

export function analyticsOf(spans: readonly Span[]): Analytics {
  const totals = emptyTotals();
  for (const s of spans) addSpan(totals, s);
  const llm = spans.filter((s) => s.kind === 'llm').sort((a, b) => (a.endTime ?? a.startTime) - (b.endTime ?? b.startTime));
  const series = { time: [] as number[], tokens: [] as number[], cost: [] as number[] };
  let tokens = 0;
  let cost = 0;
  const models = new Map<string, Analytics['perModel'][number]>();
  for (const s of llm) {
    tokens += (s.usage?.inputTokens ?? 0) + (s.usage?.outputTokens ?? 0);
    cost += s.usage?.costUsd ?? 0;
    series.time.push((s.endTime ?? s.startTime) / 1000);
    series.tokens.push(tokens);
    series.cost.push(cost);
    const model = s.usage?.model ?? 'unknown';
    let row = models.get(model);
    if (!row) models.set(model, (row = { model, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: null }));
    row.calls++;
    row.inputTokens += s.usage?.inputTokens ?? 0;
    row.outputTokens += s.usage?.outputTokens ?? 0;
    if (s.usage?.costUsd !== undefined) row.costUsd = (row.costUsd ?? 0) + s.usage.costUsd;
  }
  const errors = new Map<string, number>();
  for (const s of spans) if (s.status === 'error') errors.set(s.kind, (errors.get(s.kind) ?? 0) + 1);
  return {
    totals,
    series,
    perModel: [...models.values()].sort((a, b) => b.calls - a.calls),
    errorsByKind: [...errors].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count),
    tokensPerToolCall: totals.toolCalls === 0 ? null : (totals.inputTokens + totals.outputTokens) / totals.toolCalls,
  };
}

export interface TimelineEntry {
  time: number;
  what: 'start' | 'end' | 'event';
  span: Span;
  /** The event's name for `event` entries. */
  name: string;
  data: unknown;
}

/** Every start, end and span event of the run, in time order. */
export function timelineOf(spans: readonly Span[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const span of spans) {
    out.push({ time: span.startTime, what: 'start', span, name: span.name, data: span });
    for (const event of span.events ?? []) out.push({ time: event.time, what: 'event', span, name: event.name, data: event });
    if (span.endTime !== null) out.push({ time: span.endTime, what: 'end', span, name: span.name, data: span });
  }
  const rank = { start: 0, event: 1, end: 2 };
  return out.sort((a, b) => a.time - b.time || rank[a.what] - rank[b.what]);
}
