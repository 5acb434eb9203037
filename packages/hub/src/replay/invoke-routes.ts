import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HubError, SpanId } from '@runtime-hub/protocol';
import { z } from 'zod';
import { isLoopback } from '../config.js';
import type { HubContext } from '../context.js';
import { InvocationBoard, type Requester } from './invocations.js';

const Name = z.string().min(1).max(1024);
const PollBody = z.object({ service: Name, instanceId: z.string().min(1).max(256), functions: z.array(Name).max(1000), waitMs: z.number().int().min(0).max(30_000).default(25_000) });
const ResultBody = z.object({
  status: z.enum(['ok', 'error']),
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  spanId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  output: z.unknown().optional(),
  error: z.object({ type: z.string().max(1024).optional(), message: z.string().max(100_000).optional() }).optional(),
});
// Arguments by parameter name (Python) or positional (TypeScript), the shape of the recorded input.
const InvokeBody = z.object({ spanId: SpanId, args: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()).max(1000)]) });
const IdParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be an invocation id') });

/**
 * Re-invoking a tracked function inside the running app (docs/replay.md): the app's SDK long-polls
 * (no listening port in the app), the dashboard queues a call with edited arguments. Refused in
 * both directions when the hub is reachable beyond this machine without a token: whoever can reach
 * it could otherwise run the app's code, or pose as the app and read the arguments.
 */
export function registerInvocations(root: FastifyInstance, ctx: HubContext): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['replay'];
  const board = new InvocationBoard();
  const { config } = ctx;
  const exposedWithoutToken = () => !config.token && (!isLoopback(config.host) || (config.allowedHosts?.length ?? 0) > 0 || (config.allowedOrigins?.length ?? 0) > 0);
  const guard = () => {
    if (exposedWithoutToken()) throw new HubError('INVOKE_REFUSED', 're-invoking is refused: this hub answers beyond this machine (--host, --allow-host or --allow-origin) without a token; start it with --token-file');
  };
  const requester = (request: FastifyRequest): Requester => ({
    address: request.ip,
    ...(typeof request.headers['user-agent'] === 'string' ? { userAgent: request.headers['user-agent'].slice(0, 256) } : {}),
    ...(typeof request.headers.origin === 'string' ? { origin: request.headers.origin.slice(0, 256) } : {}),
  });

  app.post('/api/v1/invoke/poll', { schema: { tags, summary: 'An app offers its invocable functions and waits for an invocation (long poll; 204 when none came)', body: PollBody } }, async (request, reply) => {
    guard();
    const { service, instanceId, functions, waitMs } = request.body;
    const controller = new AbortController();
    // The app went away (the request's own 'close' fires once its body is read: watch the reply).
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const invocation = await board.poll(service, instanceId, functions, waitMs, controller.signal);
    if (!invocation) return reply.status(204).send();
    return { invocation: { id: invocation.id, function: invocation.function, args: invocation.args, originalSpanId: invocation.originalSpanId, originalTraceId: invocation.originalTraceId, requestedBy: invocation.requestedBy } };
  });

  app.post('/api/v1/invoke/:id/result', { schema: { tags, summary: 'The app reports an invocation\'s result (the span it wrote for it)', params: IdParams, body: ResultBody } }, (request) => {
    guard();
    const invocation = board.complete(request.params.id, request.body);
    if (!invocation) throw new HubError('INVOCATION_NOT_FOUND', `no invocation with id ${request.params.id}`);
    return { ok: true };
  });

  app.get('/api/v1/invocable', { schema: { tags, summary: 'Functions the running instances of a service offer for re-invocation', querystring: z.object({ service: Name }) } }, (request) => ({
    exposedWithoutToken: exposedWithoutToken(),
    functions: [...board.offered(request.query.service)].map(([name, instances]) => ({ name, instances })),
  }));

  app.post('/api/v1/invocations', { schema: { tags, summary: 'Re-invoke the function of a recorded call in the running app, with these arguments', body: InvokeBody } }, async (request, reply) => {
    guard();
    const span = await ctx.store.getSpan(request.body.spanId);
    if (!span) throw new HubError('SPAN_NOT_FOUND', `spanId: no span with id ${request.body.spanId}`);
    if (!board.offered(span.service).has(span.name)) {
      throw new HubError('NOT_INVOCABLE', `no running instance of ${span.service} offers ${span.name} for re-invocation (needs @track(invocable=True) and configure(invocable=True))`, { service: span.service, function: span.name });
    }
    const invocation = board.queue({ service: span.service, function: span.name, args: request.body.args, originalSpanId: span.spanId, originalTraceId: span.traceId, requestedBy: requester(request) });
    ctx.log.info({ invocation: { id: invocation.id, service: invocation.service, function: invocation.function, requestedBy: invocation.requestedBy } }, 'invocation requested');
    return reply.status(202).send({ invocation });
  });

  app.get('/api/v1/invocations/:id', { schema: { tags, summary: 'One invocation; waits up to waitMs for its result', params: IdParams, querystring: z.object({ waitMs: z.coerce.number().int().min(0).max(30_000).default(0) }) } }, async (request) => {
    if (!board.get(request.params.id)) throw new HubError('INVOCATION_NOT_FOUND', `no invocation with id ${request.params.id}`);
    await board.settled(request.params.id, request.query.waitMs);
    return { invocation: board.get(request.params.id) };
  });

  app.get('/api/v1/invocations', { schema: { tags, summary: 'Invocations of a recorded call, newest first', querystring: z.object({ spanId: SpanId }) } }, (request) => ({ invocations: board.ofSpan(request.query.spanId) }));
}
