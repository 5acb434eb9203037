import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HubError, SpanId, TraceId, type Span } from '@runtime-hub/protocol';
import { z } from 'zod';
import type { HubContext } from '../context.js';
import { openBranchIndex } from './branches.js';
import { registerInvocations } from './invoke-routes.js';
import { loadRecording } from './recording.js';
import { generatePytest, generateVitest } from './test-generator.js';

const RecordingParams = z.object({ traceId: TraceId });
const RecordingQuery = z.object({ from: SpanId });
const BranchQuery = z.object({ traceId: TraceId });
const TestsBody = z.object({
  spanId: SpanId,
  language: z.enum(['pytest', 'vitest']).optional(),
  /** vitest: the module the function is imported from, as the test file will import it. */
  importFrom: z.string().min(1).max(512).default('./REPLACE_WITH_THE_MODULE.js'),
  limit: z.number().int().min(1).max(200).default(20),
});
const ReplayBody = z.object({
  traceId: TraceId,
  fromSpan: SpanId,
  input: z.record(z.string(), z.unknown()).optional(),
  strict: z.boolean().default(false),
});

/** A new 128-bit trace id for a replay, chosen before the program runs so it can be printed and linked. */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Replay (docs/replay.md): the recording a replay needs, the replay plan as an API, and the index
 * of branches (replays of a trace) for the trace and agent views.
 */
export async function registerReplay(root: FastifyInstance, ctx: HubContext): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['replay'];
  // Scaled mode: a table every hub writes and reads (replay/branches.ts).
  const branches = await openBranchIndex(ctx.config, (error) => ctx.log.warn({ error: (error as Error).message }, 'replay: a branch was not indexed'));
  ctx.onSpans((spans) => branches.observe(spans));
  ctx.onClose(() => branches.close());

  app.get(
    '/api/v1/replay/recordings/:traceId',
    { schema: { tags, summary: 'What a replay from a span needs: the calls before it (with their encoded results), its ancestors and itself', params: RecordingParams, querystring: RecordingQuery } },
    (request) => loadRecording(ctx.store, request.params.traceId, request.query.from),
  );

  app.post('/api/v1/replay', { schema: { tags, summary: 'Plan a replay: the recording, a new trace id, the comparison URL and the command to run', body: ReplayBody } }, async (request) => {
    const { traceId, fromSpan, input, strict } = request.body;
    const recording = await loadRecording(ctx.store, traceId, fromSpan);
    const newTrace = newTraceId();
    const command = ['runtime-hub', 'replay', traceId, '--from', fromSpan, ...(input ? ['--input', '<edited.json>'] : []), ...(strict ? ['--strict'] : []), '--', '<your program>'];
    return { recording, newTraceId: newTrace, input: input ?? null, compareUrl: `/compare/${traceId}/${newTrace}`, command: command.join(' ') };
  });

  registerInvocations(root, ctx); // re-invoke a function in the running app

  app.post('/api/v1/replay/tests', { schema: { tags, summary: 'Recorded calls of a span\'s function as a generated pytest (or vitest) file', body: TestsBody } }, async (request) => {
    const { spanId, limit, importFrom } = request.body;
    const span = await ctx.store.getSpan(spanId);
    if (!span) throw new HubError('SPAN_NOT_FOUND', `spanId: no span with id ${spanId}`);
    // Calls of the same function: found by the words of its name, kept when the name is the same.
    const words = span.name.match(/[\p{L}\p{N}]+/gu)?.join(' ');
    const page = words ? await ctx.store.listSpans({ service: span.service, q: words, limit: 1000 }) : { items: [] as Span[] };
    const calls = [span, ...page.items.filter((s) => s.name === span.name && s.spanId !== span.spanId && s.endTime !== null)].slice(0, limit);
    const language = request.body.language ?? (span.attributes?.['code.namespace'] !== undefined ? 'pytest' : 'vitest');
    return language === 'pytest' ? generatePytest(calls) : generateVitest(calls, importFrom);
  });

  app.get('/api/v1/replay/branches', { schema: { tags, summary: 'Replays of a trace, and what a replay branched from', querystring: BranchQuery } }, async (request) => {
    const { traceId } = request.query;
    const [of, list] = await Promise.all([branches.branchOf(traceId), branches.branches(traceId)]);
    return {
      branchOf: of ? { traceId: of.replayOf, fromSpan: of.fromSpan, compareUrl: `/compare/${of.replayOf}/${traceId}` } : null,
      branches: list.map((b) => ({ traceId: b.traceId, fromSpan: b.fromSpan, startTime: b.startTime, compareUrl: `/compare/${traceId}/${b.traceId}` })),
    };
  });
}
