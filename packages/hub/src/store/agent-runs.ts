import type { AgentRunSummary } from '@runtime-hub/protocol';

export type { AgentRunSummary };

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
