import { CLAUDE_HOOKS_PATH } from './hooks-path.js';
import { postJson } from './post-json.js';
import type { Spool, SpooledEvent } from './spool.js';

export interface DeliverOptions {
  /** Hub base URL, e.g. http://127.0.0.1:8765. */
  url: string;
  token?: string;
  spool: Spool;
  /** One deadline for the whole request; past it the event is spooled. */
  timeoutMs: number;
}

export interface DeliverResult {
  /** Events the hub took (this one and spooled ones sent along). */
  delivered: number;
  /** The event went to the spool. */
  spooled: boolean;
}

/** Spooled events sent along with a new one, at most. */
const DRAIN_EVENTS = 200;
const DRAIN_BYTES = 2 * 1024 * 1024;
/** Events larger than this lose their tool input / response (the hub's body limit is 10 MB). */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * Sends one hook event, preceded by up to 200 spooled ones (oldest first, so a spooled PreToolUse
 * arrives before its PostToolUse). If the hub does not take them within the deadline, the new
 * event joins the spool and the spooled ones go back: nothing is lost and the caller never waits
 * longer than `timeoutMs`.
 */
export async function deliverHookEvent(entry: SpooledEvent, options: DeliverOptions): Promise<DeliverResult> {
  const current = { receivedAt: entry.receivedAt, event: shrink(entry.event) };
  let claim;
  try {
    claim = options.spool.claim(DRAIN_EVENTS, DRAIN_BYTES);
  } catch {
    claim = undefined;
  }
  const events = [...(claim?.entries ?? []), current];
  const dropped = safe(() => options.spool.dropped(), 0);
  const body = dropped > 0 ? { events, dropped } : { events };
  const reply = await postJson(hookUrl(options.url), body, { token: options.token, timeoutMs: options.timeoutMs });
  if (reply.status >= 200 && reply.status < 300) {
    claim?.commit();
    if (dropped > 0) safe(() => options.spool.resetDropped(), undefined);
    return { delivered: events.length, spooled: false };
  }
  claim?.release();
  options.spool.add(current);
  return { delivered: 0, spooled: true };
}

/** Sends everything spooled, in batches, until the spool is empty or the hub stops taking them. */
export async function flushSpool(options: DeliverOptions): Promise<{ delivered: number; remaining: number }> {
  let delivered = 0;
  for (;;) {
    const claim = options.spool.claim(DRAIN_EVENTS, DRAIN_BYTES);
    if (claim.entries.length === 0) break;
    const reply = await postJson(hookUrl(options.url), { events: claim.entries }, { token: options.token, timeoutMs: options.timeoutMs });
    if (reply.status < 200 || reply.status >= 300) {
      claim.release();
      break;
    }
    claim.commit();
    delivered += claim.entries.length;
  }
  return { delivered, remaining: options.spool.size() };
}

export function hookUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}${CLAUDE_HOOKS_PATH}`;
}

function shrink(event: unknown): unknown {
  const size = JSON.stringify(event).length;
  if (size <= MAX_EVENT_BYTES || event === null || typeof event !== 'object') return event;
  const out = { ...(event as Record<string, unknown>) };
  for (const field of ['tool_response', 'tool_input']) {
    if (out[field] !== undefined) out[field] = `[omitted by runtime-hub hook: the event was ${size} bytes]`;
  }
  return out;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
