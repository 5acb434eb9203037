import type {
  Annotation,
  ErrorGroup,
  Health,
  IngestResult,
  ServicesResponse,
  SessionsPage,
  Span,
  SpansPage,
  TraceOutline,
  TracesPage,
} from './types';

/** A failed API call, with the hub's stable error code when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The hub's `error.details` (validation issues, the current version on a conflict…). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryParams = Record<string, string | number | undefined | null>;

export function toSearch(params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  // Same origin: the hub's HttpOnly token cookie (if any) goes along on its own.
  const response = await fetch(path, { credentials: 'same-origin', ...init });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `${response.status} ${response.statusText}`, error?.details);
  }
  return body as T;
}

function get<T>(path: string, params?: QueryParams, signal?: AbortSignal): Promise<T> {
  return request<T>(`${path}${toSearch(params)}`, signal ? { signal } : {});
}

/** The hub's query API, one function per endpoint. */
export const api = {
  health: (signal?: AbortSignal) => get<Health>('/api/health', undefined, signal),
  services: (signal?: AbortSignal) => get<ServicesResponse>('/api/v1/services', undefined, signal),
  traces: (params: QueryParams, signal?: AbortSignal) => get<TracesPage>('/api/v1/traces', params, signal),
  trace: (traceId: string, signal?: AbortSignal) =>
    get<{ traceId: string; spans: Span[] }>(`/api/v1/traces/${encodeURIComponent(traceId)}`, undefined, signal),
  traceOutline: (traceId: string, signal?: AbortSignal) =>
    get<TraceOutline>(`/api/v1/traces/${encodeURIComponent(traceId)}/outline`, undefined, signal),
  spans: (params: QueryParams, signal?: AbortSignal) => get<SpansPage>('/api/v1/spans', params, signal),
  span: (spanId: string, signal?: AbortSignal) =>
    get<{ span: Span }>(`/api/v1/spans/${encodeURIComponent(spanId)}`, undefined, signal),
  errors: (params: QueryParams, signal?: AbortSignal) => get<{ groups: ErrorGroup[] }>('/api/v1/errors', params, signal),
  sessions: (params: QueryParams, signal?: AbortSignal) => get<SessionsPage>('/api/v1/sessions', params, signal),
  ingest: (spans: unknown[], signal?: AbortSignal) =>
    request<IngestResult>('/api/v1/spans', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spans }),
      ...(signal ? { signal } : {}),
    }),
  annotations: (spanId: string, signal?: AbortSignal) =>
    get<{ annotations: Annotation[] }>(`/api/v1/spans/${encodeURIComponent(spanId)}/annotations`, undefined, signal),
  addAnnotation: (spanId: string, annotation: Pick<Annotation, 'kind' | 'label' | 'text' | 'score'>) =>
    request<{ annotation: Annotation }>(`/api/v1/spans/${encodeURIComponent(spanId)}/annotations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(annotation),
    }),
  deleteAnnotation: (id: number) => request<void>(`/api/v1/annotations/${id}`, { method: 'DELETE' }),
  /** Bookmarks and notes across spans (`traceId`, `kind`, `label`, `q`, `limit`, `cursor`). */
  listAnnotations: (params: QueryParams, signal?: AbortSignal) =>
    get<{ annotations: Annotation[]; nextCursor: string | null }>('/api/v1/annotations', params, signal),
  importAnnotations: (annotations: unknown[], signal?: AbortSignal) =>
    request<{ imported: number; existing: number; rejected: { index: number; code: string; message: string }[] }>('/api/v1/annotations/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotations }),
      ...(signal ? { signal } : {}),
    }),
  exportUrl: (params: QueryParams) => `/api/v1/export${toSearch(params)}`,
};
