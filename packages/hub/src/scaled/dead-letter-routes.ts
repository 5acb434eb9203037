import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunQueue } from './run-queue.js';

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const ReplayBody = z
  .object({
    /** Only these runs' jobs; all dead-lettered jobs when absent. */
    runIds: z.array(z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be a run id (32 hex characters)' })).min(1).max(1000).optional(),
  })
  .default({});

/**
 * Scaled mode only: the dead-letter queue of run jobs (docs/scaling.md). `GET` lists what failed
 * for good and why; `POST …/replay` puts jobs back on the run queue (after the cause is fixed).
 */
export function registerDeadLetterRoutes(app: FastifyInstance, queue: RunQueue): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['workflows'];
  typed.get('/api/v1/queue/dead-letters', { schema: { tags, summary: 'Run jobs that failed for good (scaled mode)', querystring: ListQuery } }, async (request) => ({
    deadLetters: await queue.listDead(request.query.limit),
  }));
  typed.post('/api/v1/queue/dead-letters/replay', { schema: { tags, summary: 'Put dead-lettered run jobs back on the queue (scaled mode)', body: ReplayBody } }, async (request) => ({
    replayed: await queue.replayDead(request.body.runIds),
  }));
}
