import { request } from '../../api/client';

export interface BranchLink {
  traceId: string;
  fromSpan: string;
  startTime?: number;
  compareUrl: string;
}

export interface Branches {
  branchOf: BranchLink | null;
  branches: BranchLink[];
}

/** docs/replay.md: the replays of a trace, and what a replay branched from. */
export function fetchBranches(traceId: string, signal?: AbortSignal): Promise<Branches> {
  return request<Branches>(`/api/v1/replay/branches?traceId=${encodeURIComponent(traceId)}`, signal ? { signal } : {});
}

/** What `runtime-hub replay --input` takes for this call: its arguments by name (an LLM call: its messages). */
export function editableInput(kind: string, input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return {};
  const record = input as Record<string, unknown>;
  if (kind === 'llm' && Array.isArray(record.messages)) return { messages: record.messages };
  return record;
}

export function replayCommand(traceId: string, spanId: string, withInput: boolean): string {
  return `runtime-hub replay ${traceId} --from ${spanId}${withInput ? ' --input edited.json' : ''} -- <your program, e.g. python agent.py>`;
}

export interface Invocable {
  exposedWithoutToken: boolean;
  functions: { name: string; instances: number }[];
}

export interface Invocation {
  id: string;
  function: string;
  status: 'queued' | 'running' | 'done' | 'expired';
  result?: { status: 'ok' | 'error'; traceId?: string; spanId?: string; output?: unknown; error?: { type?: string; message?: string } };
}

export interface GeneratedTests {
  language: 'pytest' | 'vitest';
  filename: string;
  text: string;
  tests: number;
  skipped: { spanId: string; reason: string }[];
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const invocable = (service: string, signal?: AbortSignal) => request<Invocable>(`/api/v1/invocable?service=${encodeURIComponent(service)}`, signal ? { signal } : {});
export const invoke = (spanId: string, args: Record<string, unknown> | unknown[]) => request<{ invocation: Invocation }>('/api/v1/invocations', json({ spanId, args }));
export const invocation = (id: string, waitMs: number) => request<{ invocation: Invocation }>(`/api/v1/invocations/${encodeURIComponent(id)}?waitMs=${waitMs}`);
export const generateTests = (spanId: string, importFrom?: string) => request<GeneratedTests>('/api/v1/replay/tests', json({ spanId, ...(importFrom ? { importFrom } : {}) }));
