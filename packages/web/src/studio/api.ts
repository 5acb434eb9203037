import type { NodeTypeInfo, ProjectDefinition, RunRecord, StepRecord, TriggerTypeInfo, WorkflowDefinition } from '@runtime-hub/protocol';
import { request, toSearch, type QueryParams } from '../api/client';
import type { Issue } from './validation';

/** Response shapes of the workflow API (docs/workflows.md), as the studio reads them. */
export interface WorkflowSummary {
  id: string;
  name: string;
  description: string;
  version: number;
  visibility: 'public' | 'internal';
  endpoint: { method: string; path: string } | null;
  trigger: WorkflowDefinition['trigger'];
  nodes: number;
}

export interface ProjectDetail {
  project: ProjectDefinition;
  workflows: WorkflowSummary[];
  invalidWorkflows: { id: string; errors?: Issue[] }[];
  secrets: string[];
}

export interface RunSummary {
  id: string;
  workflow: string;
  version: number;
  status: RunRecord['status'];
  trigger: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  error: { code: string; message: string; nodeId: string | null } | null;
  traceId: string;
  rerunOf: string | null;
}

export interface NodeCatalog {
  nodeTypes: NodeTypeInfo[];
  triggers: TriggerTypeInfo[];
  expressions: { roots: string[]; filters: string[] };
}

export interface Saved {
  workflow: WorkflowDefinition;
  warnings: Issue[];
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const enc = encodeURIComponent;
const wfPath = (project: string, workflow: string) => `/api/v1/projects/${enc(project)}/workflows/${enc(workflow)}`;

export interface VersionSummary {
  version: number;
  savedAt: string;
  name: string;
  nodes: number;
  edges: number;
  current: boolean;
}

export const studioApi = {
  projects: () => request<{ projects: (ProjectDefinition & { workflows: number })[] }>('/api/v1/projects'),
  createProject: (id: string, name: string) => request<{ project: ProjectDefinition }>('/api/v1/projects', json('POST', { id, name })),
  project: (project: string) => request<ProjectDetail>(`/api/v1/projects/${enc(project)}`),
  deleteProject: (project: string) => request<void>(`/api/v1/projects/${enc(project)}`, { method: 'DELETE' }),
  catalog: () => request<NodeCatalog>('/api/v1/node-types'),
  workflow: (project: string, workflow: string) => request<{ workflow: WorkflowDefinition }>(wfPath(project, workflow)),
  createWorkflow: (project: string, workflow: WorkflowDefinition) => request<Saved>(`/api/v1/projects/${enc(project)}/workflows`, json('POST', workflow)),
  saveWorkflow: (project: string, workflow: WorkflowDefinition) => request<Saved>(wfPath(project, workflow.id), json('PUT', workflow)),
  deleteWorkflow: (project: string, workflow: string) => request<void>(wfPath(project, workflow), { method: 'DELETE' }),
  versions: (project: string, workflow: string, before?: number) =>
    request<{ versions: VersionSummary[]; nextBefore: number | null }>(`${wfPath(project, workflow)}/versions${toSearch({ before })}`),
  version: (project: string, workflow: string, version: number) => request<{ workflow: WorkflowDefinition; savedAt: string }>(`${wfPath(project, workflow)}/versions/${version}`),
  validate: (project: string, workflow: WorkflowDefinition) =>
    request<{ valid: boolean; errors: Issue[]; warnings: Issue[] }>(`${wfPath(project, workflow.id)}/validate`, json('POST', workflow)),
  preview: (runId: string, template: string, nodeId?: string) =>
    request<{ value?: unknown; error?: string }>(`/api/v1/runs/${enc(runId)}/preview`, json('POST', { template, nodeId })),
  startRun: (project: string, workflow: string, body: unknown) => request<{ runId: string; status: string }>(`${wfPath(project, workflow)}/runs`, json('POST', body)),
  runs: (project: string, workflow: string, params: QueryParams) =>
    request<{ runs: RunSummary[]; nextCursor: string | null }>(`${wfPath(project, workflow)}/runs${toSearch(params)}`),
  run: (runId: string) => request<{ run: RunRecord; steps: StepRecord[] }>(`/api/v1/runs/${enc(runId)}`),
  cancel: (runId: string) => request<{ run: RunSummary }>(`/api/v1/runs/${enc(runId)}/cancel`, { method: 'POST' }),
  rerun: (runId: string, body: { fromNode?: string; version?: 'same' | 'current'; input?: unknown }) =>
    request<{ runId: string; status: string }>(`/api/v1/runs/${enc(runId)}/rerun`, json('POST', body)),
};
