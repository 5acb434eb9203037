import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProjectApp } from './app.js';
import { Run } from './runner.js';
import type { RunResponse, RunResult } from './types.js';

/**
 * The HTTP side of an exported app (Fastify): public workflows answer like the hub's /w/
 * endpoints (a Respond node's answer as soon as it runs, else the run's output, 500 RUN_FAILED when
 * it fails, 202 after the response time limit); internal workflows have no route; /health tells
 * uptime and version. Errors are { error: { code, message, details? } } as in the hub.
 */

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const HOP_BY_HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer']);
const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

export function createServer(app: ProjectApp, version: string): FastifyInstance {
  const server = Fastify({ logger: process.env.LOG_LEVEL ? { level: process.env.LOG_LEVEL } : false, bodyLimit: 8 * 1024 * 1024 });
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  server.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  server.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'ENDPOINT_NOT_FOUND', message: `no public workflow answers ${request.method} ${request.url.split('?')[0]}` } });
  });
  server.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    void reply.status(status).send({ error: { code: status < 500 ? 'INVALID_REQUEST' : 'INTERNAL', message: error.message } });
  });
  server.get('/health', async () => ({
    status: 'ok',
    project: app.project.id,
    version,
    uptimeSeconds: Math.round((Date.now() - app.startedAt) / 1000 * 1000) / 1000,
    startedAt: app.startedAt,
    workflows: Object.keys(app.workflows).sort(),
  }));
  return server;
}

function credentialMatches(request: FastifyRequest, auth: { secret: string; header?: string }, secret: string | undefined): boolean {
  const header = auth.header ?? 'authorization';
  const raw = request.headers[header];
  const given = Array.isArray(raw) ? raw[0] : raw;
  if (!secret || given === undefined) return false;
  const expected = header === 'authorization' ? `Bearer ${secret}` : secret;
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

function sendResponse(reply: FastifyReply, response: RunResponse): FastifyReply {
  for (const [name, value] of Object.entries(response.headers)) if (!HOP_BY_HOP.has(name.toLowerCase())) void reply.header(name, value);
  void reply.status(response.status);
  if (typeof response.body === 'string') {
    if (!reply.hasHeader('content-type')) void reply.type('text/plain; charset=utf-8');
    return reply.send(response.body);
  }
  return reply.send(response.body ?? null);
}

function sendFinished(reply: FastifyReply, result: RunResult): FastifyReply {
  if (result.response) return sendResponse(reply, result.response);
  if (result.status === 'succeeded') return reply.status(200).send(result.output ?? null);
  const details = { runId: result.runId, status: result.status, cause: result.error?.code ?? null, nodeId: result.error?.nodeId ?? null };
  return reply.status(500).send({ error: { code: 'RUN_FAILED', message: result.error?.message ?? `the run ${result.status}`, details } });
}

/** Runs a public workflow for one request and answers like the hub's /w/ endpoint. */
export async function answer(app: ProjectApp, workflowId: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const definition = app.workflows[workflowId];
  if (!definition) return reply.status(404).send({ error: { code: 'ENDPOINT_NOT_FOUND', message: `no workflow "${workflowId}"` } });
  const auth = definition.endpoint?.auth;
  if (auth && !credentialMatches(request, auth, app.secrets()[auth.secret])) {
    return reply.status(401).send({ error: { code: 'ENDPOINT_UNAUTHORIZED', message: `this endpoint needs the credential in the ${auth.header ?? 'authorization'} header` } });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = CREDENTIAL_HEADERS.has(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  const trigger = {
    type: 'webhook',
    method: request.method.toUpperCase(),
    path: request.url.split('?')[0],
    params: request.params as Record<string, string>,
    query: request.query as Record<string, string | string[]>,
    headers,
    body: request.body ?? null,
  };
  let early: ((response: RunResponse) => void) | undefined;
  const responded = new Promise<RunResponse>((resolve) => (early = resolve));
  const run = new Run(app, definition, trigger, 0, null, (response) => early?.(response));
  const finished = run.execute();
  void reply.header('x-runtime-hub-run-id', run.id);
  const limit = definition.settings.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    finished.then((result) => ({ result })),
    responded.then((response) => ({ response })),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), limit))),
  ]);
  clearTimeout(timer);
  if (!outcome) return reply.status(202).send({ runId: run.id, status: 'running' });
  if ('response' in outcome) return sendResponse(reply, outcome.response);
  return sendFinished(reply, outcome.result);
}
