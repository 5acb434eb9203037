import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import type { HubContext } from '../../context.js';
import { ClaudeHookIngest, type TimedHookEvent } from './hook-ingest.js';
import { CLAUDE_HOOKS_PATH } from './hooks-path.js';

const MAX_BATCH = 1000;

/**
 * `POST /api/v1/hooks/claude` takes two bodies:
 *
 * - one hook event exactly as Claude Code's HTTP hooks send it. The reply is `{}`: Claude Code
 *   reads a hook's JSON reply as a decision, and an empty object decides nothing. A payload that is
 *   not a hook event is logged and still answered 200 `{}` — a hook must never get in the agent's
 *   way (Claude Code would show the user an error for anything else).
 * - `{ events: [{ receivedAt, event }], dropped? }` from `runtime-hub hook`, which stamps each
 *   event when it fires and may deliver spooled ones late. The reply says what was stored:
 *   `{ accepted, rejected, invalid, duplicates }`.
 */
export function registerClaudeHooks(app: FastifyInstance, ctx: HubContext): void {
  const hooks = new ClaudeHookIngest(ctx.store, (records) => ctx.ingest(records));

  const schema = { tags: ['ingest'], summary: 'Claude Code hook events (one as Claude Code sends it, or a batch from `runtime-hub hook`)', body: z.record(z.string(), z.unknown()) };
  app.post(CLAUDE_HOOKS_PATH, { schema }, async (request) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new HubError('INVALID_BODY', 'the body must be a Claude Code hook event or { "events": [ ... ] }');
    }
    const batch = body as { events?: unknown; dropped?: unknown; hook_event_name?: unknown };
    if (batch.hook_event_name === undefined && batch.events !== undefined) {
      const events = readBatch(batch.events);
      if (typeof batch.dropped === 'number' && batch.dropped > 0) {
        ctx.log.warn({ dropped: batch.dropped }, 'claude hooks: the hook command dropped events (its spool was full)');
      }
      const result = await hooks.handle(events, { lossyUtf8: request.lossyUtf8 === true });
      logProblems(ctx, result.invalid, result.rejected);
      return result;
    }
    const result = await hooks.handle([{ event: body, receivedAt: Date.now() }], { lossyUtf8: request.lossyUtf8 === true });
    logProblems(ctx, result.invalid, result.rejected);
    return {};
  });
}

function readBatch(value: unknown): TimedHookEvent[] {
  if (!Array.isArray(value)) throw new HubError('INVALID_BODY', 'events: must be an array');
  if (value.length > MAX_BATCH) throw new HubError('INVALID_BODY', `events: at most ${MAX_BATCH} per request`);
  return value.map((item: unknown, index) => {
    const entry = item as { event?: unknown; receivedAt?: unknown } | null;
    const receivedAt = entry?.receivedAt;
    if (typeof receivedAt !== 'number' || !Number.isFinite(receivedAt) || receivedAt < 0) {
      throw new HubError('INVALID_BODY', `events[${index}].receivedAt: must be epoch milliseconds`);
    }
    return { event: entry?.event, receivedAt };
  });
}

function logProblems(ctx: HubContext, invalid: { index: number; message: string }[], rejected: { index: number; message: string }[]): void {
  for (const problem of invalid) ctx.log.warn({ index: problem.index }, `claude hooks: not a hook event: ${problem.message}`);
  for (const problem of rejected) ctx.log.warn({ index: problem.index }, `claude hooks: span rejected: ${problem.message}`);
}
