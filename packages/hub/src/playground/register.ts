import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HubError, SpanId } from '@runtime-hub/protocol';
import { z } from 'zod';
import { SpanIdParams } from '../api/query-params.js';
import type { HubContext } from '../context.js';
import { playgroundKeysOf } from './open-key-store.js';
import { PlaygroundMessage } from './messages.js';
import { startRun, type RunEvent, type RunSummary } from './run.js';
import { ORIGINAL_SPAN_ATTRIBUTE } from './run-span.js';

const httpUrl = z.string().max(2048).refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), { message: 'must be an http(s) URL' });
const KeyName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . or -' });

const RunBody = z.object({
  spanId: SpanId.optional(),
  provider: z.enum(['openai', 'anthropic', 'openai-compatible']),
  model: z.string().min(1).max(256),
  baseUrl: httpUrl.optional(),
  keyName: KeyName.optional(),
  messages: z.array(PlaygroundMessage).min(1, { message: 'needs at least one message' }).max(1000),
  variables: z.record(z.string().regex(/^[A-Za-z_][\w.-]*$/), z.string().max(1_000_000)).default({}),
  parameters: z
    .object({
      temperature: z.number().min(0).max(2).optional(),
      maxTokens: z.number().int().min(1).max(1_000_000).optional(),
      topP: z.number().min(0).max(1).optional(),
      stop: z.array(z.string().max(256)).max(8).optional(),
    })
    .default({}),
  stream: z.boolean().default(true),
});

/**
 * The prompt playground (docs/playground.md): re-run a recorded LLM call with edits, on any model,
 * streamed back as JSON lines and stored as an llm span under the original. Keys: names out,
 * values in, encrypted at rest.
 */
export async function registerPlayground(root: FastifyInstance, ctx: HubContext): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['playground'];
  const keys = await playgroundKeysOf(ctx);

  app.get('/api/v1/playground/keys', { schema: { tags, summary: 'Playground key names and the server each is bound to (never values)' } }, async () => ({ keys: await keys.list() }));

  app.put(
    '/api/v1/playground/keys/:name',
    { schema: { tags, summary: 'Save a provider API key (encrypted; sent only to its base URL)', params: z.object({ name: KeyName }), body: z.object({ value: z.string().min(1).max(16 * 1024), baseUrl: httpUrl.optional() }) } },
    async (request) => ({ key: await keys.put(request.params.name, request.body.value, request.body.baseUrl) }),
  );

  app.delete('/api/v1/playground/keys/:name', { schema: { tags, summary: 'Delete a playground key', params: z.object({ name: KeyName }) } }, async (request, reply) => {
    if (!(await keys.delete(request.params.name))) throw new HubError('NOT_FOUND', `no playground key "${request.params.name}"`);
    return reply.status(204).send();
  });

  app.get('/api/v1/playground/runs', { schema: { tags, summary: 'Playground runs of a recorded LLM span, oldest first', querystring: SpanIdParams } }, async (request) => {
    const original = await ctx.store.getSpan(request.query.spanId);
    if (!original) throw new HubError('SPAN_NOT_FOUND', `spanId: no span with id ${request.query.spanId}`);
    const trace = await ctx.store.getTrace(original.traceId);
    const runs = trace.filter((s) => s.attributes?.[ORIGINAL_SPAN_ATTRIBUTE] === original.spanId).sort((a, b) => a.startTime - b.startTime);
    return { original, runs };
  });

  app.post('/api/v1/playground/runs', { schema: { tags, summary: 'Run messages on a model; streams JSON lines (start, delta…, done) and stores an llm span', body: RunBody } }, async (request, reply) => {
    const controller = new AbortController();
    // The user closed the tab or pressed stop: the provider call stops too; the span still records it.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const events = await startRun(ctx, keys, request.body, controller.signal);
    // Hold the reply until the first token: a provider that fails at once gets an error status.
    const held: RunEvent[] = [];
    for (;;) {
      const next = await events.next();
      if (next.done) break;
      held.push(next.value);
      if (next.value.type === 'done' || (next.value.type === 'delta' && request.body.stream)) break;
    }
    const done = held.find((e): e is Extract<RunEvent, { type: 'done' }> => e.type === 'done');
    if (done && done.run.status === 'error' && !held.some((e) => e.type === 'delta')) return failed(reply, done.run);
    if (!request.body.stream) return { run: done!.run };
    async function* lines() {
      for (const event of held) yield `${JSON.stringify(event)}\n`;
      for await (const event of events) yield `${JSON.stringify(event)}\n`;
    }
    return reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-cache').send(Readable.from(lines()));
  });
}

function failed(reply: FastifyReply, run: RunSummary) {
  return reply.status(502).send(new HubError('LLM_ERROR', run.error?.message ?? 'the LLM call failed', { run }).toBody());
}
