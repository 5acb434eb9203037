/** The shapes an exported app works with: workflow definitions as the hub stores them, run results. */

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  config: Record<string, unknown>;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  onError?: 'fail' | 'continue' | 'output';
  disabled?: boolean;
}

export interface WorkflowDef {
  id: string;
  name: string;
  version: number;
  visibility: 'public' | 'internal';
  endpoint?: { method: string; path: string; auth?: { secret: string; header: string } };
  trigger: { type: string; expression?: string; timezone?: string };
  settings: { timeoutMs?: number; nodeTimeoutMs?: number; retry?: Partial<RetryPolicy>; outputNode?: string; responseTimeoutMs?: number };
  nodes: NodeDef[];
  edges: { source: string; sourceOutput?: string; target: string }[];
}

export interface RetryPolicy {
  maxRetries: number;
  initialBackoffMs: number;
  multiplier: number;
  maxBackoffMs: number;
  jitter: number;
  retryOnStatuses: number[];
  retryOnErrors: string[];
}

export interface ProjectManifest {
  id: string;
  name: string;
  description: string;
  version: string;
  env: Record<string, string>;
  settings: { allowShell: boolean; allowCode: boolean };
}

export interface RunResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface Failure {
  code: string;
  message: string;
  retryable: boolean;
  status?: number;
  field?: string;
  details?: unknown;
  nodeId?: string;
}

export interface RunResult {
  runId: string;
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: Failure;
  response?: RunResponse;
}

export interface NodeResult {
  output: unknown;
  branch?: string;
  waitUntil?: number;
  response?: RunResponse;
}
