import { z } from 'zod';
import { RUN_STATUSES, SpanKind, SpanStatus } from '@runtime-hub/protocol';
import type { HubApi } from './hub-api.js';

/** One MCP tool: its input schema and what it asks the hub. */
export interface HubTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodRawShape;
  /** False for tools that change something (they are off unless the hub allows them). */
  readOnly: boolean;
  run(api: HubApi, args: Record<string, unknown>): Promise<unknown>;
}

const limit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback).describe(`how many to return (1–${max})`);
const time = z.string().optional().describe('epoch milliseconds or an ISO 8601 date');
const cursor = z.string().optional().describe('nextCursor of the previous page');
const spanFilters = {
  service: z.string().optional().describe('service name, as the SDK or OTLP resource reported it'),
  kind: SpanKind.optional(),
  status: SpanStatus.optional().describe('unset: still running'),
  q: z.string().max(1024).optional().describe('whole words in names, inputs, outputs and error messages; word* for a prefix'),
  from: time,
  to: time,
};

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? v : undefined);
function query(args: Record<string, unknown>, names: string[]): Record<string, string | number | undefined> {
  const out: Record<string, string | number | undefined> = {};
  for (const name of names) out[name] = str(args[name]);
  return out;
}

type OutlineRow = [string, string | null, number, number, string, number, number | null, string, number];

/** The read-only tools: what a coding agent needs to look at its own runs. */
export const READ_TOOLS: HubTool[] = [
  {
    name: 'list_services',
    title: 'Services',
    description: 'Apps and services that sent spans, with whether they are online, calls per minute, error rate and token usage.',
    input: {},
    readOnly: true,
    run: (api) => api.request('GET', '/api/v1/services'),
  },
  {
    name: 'search_spans',
    title: 'Search spans',
    description: 'Spans (tracked calls, LLM calls, tool calls, workflow nodes), newest first, filtered by service, kind, status, time and full-text words.',
    input: { ...spanFilters, traceId: z.string().optional(), sessionId: z.string().optional(), limit: limit(100, 20), cursor },
    readOnly: true,
    run: (api, args) => api.request('GET', '/api/v1/spans', { query: query(args, ['service', 'kind', 'status', 'q', 'from', 'to', 'traceId', 'sessionId', 'limit', 'cursor']) }),
  },
  {
    name: 'list_traces',
    title: 'Traces',
    description: 'Traces (one request, run or agent turn each), newest first, with span and error counts, duration and usage.',
    input: { ...spanFilters, limit: limit(100, 20), cursor },
    readOnly: true,
    run: (api, args) => api.request('GET', '/api/v1/traces', { query: query(args, ['service', 'kind', 'status', 'q', 'from', 'to', 'limit', 'cursor']) }),
  },
  {
    name: 'get_trace',
    title: 'Open a trace',
    description: 'The call tree of one trace, without payloads: each span with its parent, name, kind, service, duration and status. Use get_span for a span\'s input, output and error.',
    input: { traceId: z.string().describe('32 hex characters'), maxSpans: z.number().int().min(1).max(2000).default(300) },
    readOnly: true,
    async run(api, args) {
      const outline = (await api.request('GET', `/api/v1/traces/${encodeURIComponent(String(args.traceId))}/outline`)) as {
        traceId: string;
        spans: OutlineRow[];
        services: string[];
        names: string[];
      };
      const max = Number(args.maxSpans);
      const spans = outline.spans.slice(0, max).map(([spanId, parentSpanId, service, name, kind, start, end, status]) => ({
        spanId,
        parentSpanId,
        name: outline.names[name],
        kind,
        service: outline.services[service],
        startTime: start,
        durationMs: end === null ? null : end - start,
        status,
      }));
      return { traceId: outline.traceId, spanCount: outline.spans.length, spans, ...(outline.spans.length > max ? { truncated: `first ${max} of ${outline.spans.length} spans by start time` } : {}) };
    },
  },
  {
    name: 'get_span',
    title: 'One span',
    description: 'One span in full: attributes, input, output, error with stack, LLM messages, tokens and cost.',
    input: { spanId: z.string().describe('16 hex characters') },
    readOnly: true,
    run: (api, args) => api.request('GET', `/api/v1/spans/${encodeURIComponent(String(args.spanId))}`),
  },
  {
    name: 'list_errors',
    title: 'Errors',
    description: 'Error groups (same type and top frame), most recent first, with counts, first and last seen, services and the last occurrence\'s trace.',
    input: { service: z.string().optional(), from: time, to: time, limit: limit(100, 20) },
    readOnly: true,
    run: (api, args) => api.request('GET', '/api/v1/errors', { query: query(args, ['service', 'from', 'to', 'limit']) }),
  },
  {
    name: 'list_sessions',
    title: 'Sessions',
    description: 'Sessions (a Claude Code session, a conversation, or anything sent with a session id), newest first.',
    input: { service: z.string().optional(), from: time, to: time, limit: limit(100, 20), cursor },
    readOnly: true,
    run: (api, args) => api.request('GET', '/api/v1/sessions', { query: query(args, ['service', 'from', 'to', 'limit', 'cursor']) }),
  },
  {
    name: 'list_agent_runs',
    title: 'Agent runs',
    description: 'Agent runs and sessions, newest first: models, turns, LLM and tool calls, subagents, tokens, cost, errors, running now.',
    input: {
      service: z.string().optional(),
      q: z.string().optional(),
      model: z.string().optional(),
      state: z.enum(['running', 'error', 'ok']).optional(),
      from: time,
      to: time,
      limit: limit(100, 20),
      cursor,
    },
    readOnly: true,
    run: (api, args) => api.request('GET', '/api/v1/agents', { query: query(args, ['service', 'q', 'model', 'state', 'from', 'to', 'limit', 'cursor']) }),
  },
  {
    name: 'list_workflows',
    title: 'Workflows',
    description: 'Projects and their workflows (id, name, trigger, public endpoint).',
    input: {},
    readOnly: true,
    async run(api) {
      const { projects } = (await api.request('GET', '/api/v1/projects')) as { projects: Array<{ id: string; name?: string }> };
      const out = [];
      for (const project of projects) {
        const { workflows } = (await api.request('GET', `/api/v1/projects/${encodeURIComponent(project.id)}/workflows`)) as { workflows: unknown[] };
        out.push({ ...project, workflows });
      }
      return { projects: out };
    },
  },
  {
    name: 'list_workflow_runs',
    title: 'Workflow runs',
    description: 'Workflow runs, newest first, with status, trigger and timing; filter by project, workflow and status.',
    input: {
      project: z.string().optional(),
      workflow: z.string().optional(),
      status: z.enum(RUN_STATUSES).optional(),
      limit: limit(100, 20),
      cursor,
    },
    readOnly: true,
    run: (api, args) => api.request('GET', '/api/v1/runs', { query: query(args, ['project', 'workflow', 'status', 'limit', 'cursor']) }),
  },
];
