import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { EndpointAuth, HttpMethod, RunRecord, RunResponse } from '@runtime-hub/protocol';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';

const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;
/** Credentials a caller sends are not kept in trigger data (run history, spans); see endpoint.auth. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const HOP_BY_HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer']);

function flatHeaders(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    out[name] = CREDENTIAL_HEADERS.has(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Compares in constant time (over hashes, so lengths leak nothing); no secret stored: no access. */
function credentialMatches(request: FastifyRequest, auth: EndpointAuth, secret: string | undefined): boolean {
  if (!secret) return false;
  const raw = request.headers[auth.header];
  const given = Array.isArray(raw) ? raw[0] : raw;
  if (given === undefined) return false;
  const expected = auth.header === 'authorization' ? `Bearer ${secret}` : secret;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function sendRunResponse(reply: FastifyReply, response: RunResponse): FastifyReply {
  for (const [name, value] of Object.entries(response.headers)) if (!HOP_BY_HOP.has(name.toLowerCase())) void reply.header(name, value);
  void reply.status(response.status);
  if (typeof response.body === 'string') {
    if (!reply.hasHeader('content-type')) void reply.type('text/plain; charset=utf-8');
    return reply.send(response.body);
  }
  return reply.send(response.body ?? null);
}

function sendFinished(reply: FastifyReply, run: RunRecord): FastifyReply {
  if (run.response) return sendRunResponse(reply, run.response);
  if (run.status === 'succeeded') return reply.status(200).send(run.output ?? null);
  return reply.status(500).send({
    error: {
      code: 'RUN_FAILED',
      message: run.error?.message ?? `the run ${run.status}`,
      details: { runId: run.id, status: run.status, cause: run.error?.code ?? null, nodeId: run.error?.nodeId ?? null },
    },
  });
}

/**
 * Public workflows: `ANY /w/<project><endpoint.path>`. The request becomes the trigger data;
 * the answer is a Respond node's response as soon as it runs, else the run's output when it
 * finishes, else (past the response timeout) 202 with the run id. Internal workflows never
 * answer here.
 */
export async function registerPublicRoutes(app: FastifyInstance, service: WorkflowService): Promise<void> {
  await app.register(async (scope) => {
    // Webhooks send more than JSON: keep text and forms, and anything else as text.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    // public: the hub token is not asked for here; `endpoint.auth` is (docs/workflows.md).
    const schema = { tags: ['public'], summary: "A project's public workflow endpoint (any method; the body becomes the trigger data)" };
    scope.all('/w/:project/*', { config: { public: true }, schema }, async (request, reply) => {
      const { project } = request.params as { project: string; '*': string };
      const path = `/${(request.params as { '*': string })['*']}`;
      const method = request.method.toUpperCase();
      const match = service.catalog.getProject(project) ? service.endpoint(project, method, path) : undefined;
      if (!match) throw new WorkflowApiError('ENDPOINT_NOT_FOUND', `no public workflow answers ${method} /w/${project}${path}`);
      const workflow = match.workflow;
      const auth = workflow.endpoint?.auth;
      if (auth && !credentialMatches(request, auth, service.vault.values(project)[auth.secret])) {
        throw new WorkflowApiError('ENDPOINT_UNAUTHORIZED', `this endpoint needs the credential in the ${auth.header} header`);
      }
      const run = await service.engine.startRun({
        project,
        workflow: workflow.id,
        trigger: {
          type: 'webhook',
          method: method as HttpMethod,
          path,
          params: match.params,
          query: request.query as Record<string, string | string[]>,
          headers: flatHeaders(request),
          body: request.body ?? null,
        },
      });
      void reply.header('x-runtime-hub-run-id', run.id);
      if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return sendFinished(reply, run);
      if (run.response) return sendRunResponse(reply, run.response);
      const limit = workflow.settings.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([
        service.engine.waitForResponse(run.id),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), limit);
        }),
      ]);
      clearTimeout(timer);
      if (!answer) return reply.status(202).send({ runId: run.id, status: 'running' });
      if (answer.response) return sendRunResponse(reply, answer.response);
      return sendFinished(reply, answer.run as RunRecord);
    });
  });
}
