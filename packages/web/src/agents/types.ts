import type { UsageTotals } from '../api/types';

/** `GET /api/v1/agents` rows (packages/hub/src/store/agent-runs.ts). */
export interface AgentRunSummary {
  traceId: string;
  name: string;
  service: string;
  kind: string;
  sessionId: string | null;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  running: boolean;
  models: string[];
  turns: number;
  llmCalls: number;
  toolCalls: number;
  subagents: number;
  spanCount: number;
  errorCount: number;
  usage: UsageTotals;
}

export interface AgentRunsPage {
  runs: AgentRunSummary[];
  nextCursor: string | null;
}
