import type { ProjectDefinition, WorkflowDefinition } from '@runtime-hub/protocol';
import { ApiError, request, toSearch, type QueryParams } from '../../api/client';

/** Response shapes of the project, metrics, schedule, template and assist endpoints (docs/workflows.md). */
export interface Totals {
  executions: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  avgMs: number | null;
}

export interface ProjectMetrics extends Totals {
  project: string;
  running: number;
  lastRunAt: number | null;
}

export interface MetricsReport {
  range: { from: number; to: number; resolutionMs: number; stepMs: number };
  totals: Totals & { running: number };
  trend: { t: number; succeeded: number; failed: number; cancelled: number }[];
  errors: { byCode: { code: string; count: number }[]; byNodeType: { nodeType: string; count: number }[] };
  slowestNodes: { project: string; workflow: string; nodeId: string; nodeType: string; executions: number; failed: number; avgMs: number; maxMs: number }[];
  workflows: (Totals & { project: string; workflow: string })[];
}

export interface Schedule {
  project: string;
  workflow: string;
  name: string;
  expression: string;
  timezone: string;
  missed: 'skip' | 'run-once';
  paused: boolean;
  lastFireAt: string | null;
  nextRuns: string[];
  nextRun: string | null;
}

export interface TemplateNeed {
  name: string;
  help: string;
  default?: string;
}

export interface Template {
  id: string;
  name: string;
  category: string;
  tags: string[];
  description: string;
  needs: { secrets: TemplateNeed[]; env: TemplateNeed[]; allowShell?: boolean; allowCode?: boolean };
  workflow: WorkflowDefinition;
  companions?: WorkflowDefinition[];
  nodeTypes: string[];
}

export interface Recommendation {
  id: string;
  name: string;
  category: string;
  score: number;
  reasons: { text: string; points: number }[];
}

export interface Issue {
  code: string;
  message: string;
  path: string;
  nodeId?: string;
}

export interface DraftResult {
  workflow: WorkflowDefinition | null;
  valid: boolean;
  issues: Issue[];
  warnings: Issue[];
  rounds: number;
}

export interface AssistView {
  settings: { provider: 'openai' | 'anthropic'; model: string; baseUrl?: string; keyName?: string } | null;
  configured: boolean;
  problem: string | null;
  keys: { name: string; baseUrl?: string }[];
  howTo: string;
}

export interface RunSummary {
  id: string;
  workflow: string;
  status: string;
  createdAt: number;
  durationMs: number | null;
  error: { code: string; message: string; nodeId: string | null } | null;
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const enc = encodeURIComponent;
const project = (id: string) => `/api/v1/projects/${enc(id)}`;

export const hubApi = {
  projects: () => request<{ projects: (ProjectDefinition & { workflows: number })[] }>('/api/v1/projects'),
  createProject: (id: string, name: string, description: string) => request<{ project: ProjectDefinition }>('/api/v1/projects', json('POST', { id, name, description })),
  project: (id: string) =>
    request<{ project: ProjectDefinition; workflows: { id: string; name: string; description: string; visibility: 'public' | 'internal'; endpoint: { method: string; path: string } | null; trigger: WorkflowDefinition['trigger']; nodes: number }[]; invalidWorkflows: { id: string }[]; secrets: (string | { name: string; updatedAt?: string })[] }>(project(id)),
  saveProject: (value: ProjectDefinition) => request<{ project: ProjectDefinition }>(project(value.id), json('PUT', value)),
  workflows: (id: string) => request<{ workflows: WorkflowDefinition[] }>(`${project(id)}/workflows`),
  workflow: (id: string, workflow: string) => request<{ workflow: WorkflowDefinition; schedule: Omit<Schedule, 'project' | 'workflow' | 'name' | 'nextRun'> | null }>(`${project(id)}/workflows/${enc(workflow)}`),
  secrets: (id: string) => request<{ secrets: { name: string; updatedAt: string }[] }>(`${project(id)}/secrets`),
  putSecret: (id: string, name: string, value: string) => request<unknown>(`${project(id)}/secrets/${enc(name)}`, json('PUT', { value })),
  deleteSecret: (id: string, name: string) => request<void>(`${project(id)}/secrets/${enc(name)}`, { method: 'DELETE' }),
  putEnv: (id: string, name: string, value: string) => request<unknown>(`${project(id)}/env/${enc(name)}`, json('PUT', { value })),
  deleteEnv: (id: string, name: string) => request<void>(`${project(id)}/env/${enc(name)}`, { method: 'DELETE' }),
  runs: (params: QueryParams) => request<{ runs: RunSummary[]; nextCursor?: string }>(`/api/v1/runs${toSearch(params)}`),
  metrics: (params: QueryParams) => request<MetricsReport>(`/api/v1/workflow-metrics${toSearch(params)}`),
  projectMetrics: (params: QueryParams) => request<{ projects: ProjectMetrics[]; lastChanges: Record<string, number> }>(`/api/v1/workflow-metrics/projects${toSearch(params)}`),
  /** Deployment targets with their health, from the deploy feature (docs/export.md); absent (404) means none. */
  deployments: async (id: string) => {
    try {
      return await request<{ targets: { id: string; health?: { status?: string; uptimePercent?: number | null } | null }[] }>(`${project(id)}/deployments`);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
      throw error;
    }
  },
  schedules: () => request<{ schedules: Schedule[] }>('/api/v1/schedules'),
  setSchedule: (id: string, workflow: string, body: { expression: string; timezone: string; missed: string; version?: number }) =>
    request<{ schedule: Schedule }>(`${project(id)}/workflows/${enc(workflow)}/schedule`, json('PUT', body)),
  pauseSchedule: (id: string, workflow: string, action: 'pause' | 'resume') => request<{ schedule: Schedule }>(`${project(id)}/workflows/${enc(workflow)}/schedule/${action}`, { method: 'POST' }),
  cronNext: (expression: string, timezone: string) => request<{ nextRuns: string[] }>(`/api/v1/cron/next${toSearch({ expression, timezone, count: 5 })}`),
  templates: (params: QueryParams) => request<{ templates: Template[]; categories: string[] }>(`/api/v1/templates${toSearch(params)}`),
  recommend: (params: QueryParams) => request<{ recommendations: Recommendation[] }>(`/api/v1/templates/recommend${toSearch(params)}`),
  useTemplate: (id: string, template: string, body: { workflowId?: string; secrets: Record<string, string>; env: Record<string, string>; allowShell?: boolean; allowCode?: boolean }) =>
    request<{ workflow: WorkflowDefinition; companions: string[] }>(`${project(id)}/templates/${enc(template)}`, json('POST', body)),
  assistSettings: () => request<AssistView>('/api/v1/assist/settings'),
  saveAssistSettings: (body: { provider: string; model: string; baseUrl?: string; keyName?: string }) => request<AssistView>('/api/v1/assist/settings', json('PUT', body)),
  draft: (id: string, description: string) => request<DraftResult>(`${project(id)}/assist/draft`, json('POST', { description })),
  complete: (id: string, workflow: unknown, instructions: string) => request<DraftResult>(`${project(id)}/assist/complete`, json('POST', { workflow, instructions: instructions || undefined })),
  explain: (id: string, workflow: unknown) => request<{ text: string }>(`${project(id)}/assist/explain`, json('POST', { workflow })),
  createWorkflow: (id: string, workflow: WorkflowDefinition) => request<{ workflow: WorkflowDefinition }>(`${project(id)}/workflows`, json('POST', workflow)),
};
