import type { AgentRunSummary } from '@runtime-hub/protocol';

export type { AgentRunSummary };

/** `GET /api/v1/agents`. */
export interface AgentRunsPage {
  runs: AgentRunSummary[];
  nextCursor: string | null;
}
