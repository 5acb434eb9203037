import { ApiError, request } from '../../api/client';
import type { Span } from '../../api/types';

/** What the hub reports when a playground run ends (POST /api/v1/playground/runs, `done`). */
export interface RunSummary {
  traceId: string;
  spanId: string;
  originalSpanId: string | null;
  model: string;
  text: string;
  status: 'ok' | 'error';
  error?: { message: string };
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  latencyMs: number;
  firstTokenMs?: number;
  unresolvedVariables: string[];
}

type RunEvent = { type: 'start'; traceId: string; spanId: string } | { type: 'delta'; text: string } | { type: 'done'; run: RunSummary };

/**
 * Runs one playground request and reads the JSON-lines stream as it arrives, calling `onDelta`
 * with each piece of text. Resolves with the summary; rejects with an ApiError the hub sent.
 */
export async function runPlayground(body: unknown, onDelta: (text: string) => void, signal: AbortSignal): Promise<RunSummary> {
  const response = await fetch('/api/v1/playground/runs', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  if (!response.ok || !response.body) {
    const parsed = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
    throw new ApiError(response.status, parsed?.error?.code ?? 'HTTP_ERROR', parsed?.error?.message ?? `${response.status} ${response.statusText}`, parsed?.error?.details);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let summary: RunSummary | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line) as RunEvent;
      if (event.type === 'delta') onDelta(event.text);
      else if (event.type === 'done') summary = event.run;
    }
  }
  if (!summary) throw new ApiError(502, 'LLM_ERROR', 'the stream ended before the run did');
  return summary;
}

export interface KeyInfo {
  name: string;
  baseUrl?: string;
  updatedAt: string;
}

export const playgroundApi = {
  runs: (spanId: string) => request<{ original: Span; runs: Span[] }>(`/api/v1/playground/runs?spanId=${encodeURIComponent(spanId)}`),
  keys: () => request<{ keys: KeyInfo[] }>('/api/v1/playground/keys'),
  saveKey: (name: string, value: string, baseUrl: string) =>
    request<{ key: KeyInfo }>(`/api/v1/playground/keys/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value, ...(baseUrl ? { baseUrl } : {}) }),
    }),
};
