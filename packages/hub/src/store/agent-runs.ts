import type { UsageTotals } from '@runtime-hub/protocol';

/**
 * An agent run: a trace whose root is an agent span or that holds LLM calls — a Claude Code
 * session (one trace per session), an OTLP GenAI `invoke_agent` trace, an SDK run.
 */
export interface AgentRunSummary {
  traceId: string;
  name: string;
  service: string;
  kind: string;
  sessionId: string | null;
  startTime: number;
  /** Last end seen in the trace (or start when nothing ended yet). */
  endTime: number | null;
  durationMs: number | null;
  /** The root has not ended, or a span of the run is still open. */
  running: boolean;
  /** Distinct models of its LLM calls, most used first. */
  models: string[];
  /** Claude Code prompts (`turn: …` agent spans); for other runs the LLM calls. */
  turns: number;
  llmCalls: number;
  toolCalls: number;
  /** Agent spans under the root other than turns: subagents. */
  subagents: number;
  spanCount: number;
  errorCount: number;
  usage: UsageTotals;
}

export interface AgentRunQuery {
  limit: number;
  cursor?: string;
  service?: string;
  /** Name or session id contains. */
  q?: string;
  model?: string;
  /** `running`, `error` (any span failed) or `ok` (finished without errors). */
  state?: 'running' | 'error' | 'ok';
  from?: number;
  to?: number;
}
