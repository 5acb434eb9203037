import type { SpanRecordInput } from '@runtime-hub/protocol';
import { containsReplacementChar } from '../../http/utf8.js';
import type { IngestResult } from '../ingest.js';
import type { SpanStore } from '../../store/store.js';
import { anchorRecord, applyKnown, knownFromSpan, type KnownSpan } from './anchor.js';
import { readHookEvent } from './hook-event.js';
import { mapHookEvent, newSessionState, type SessionState } from './hook-mapping.js';
import { claudeIds, digest } from './ids.js';

/** One hook event and when it was captured (by the `hook` command, or on arrival). */
export interface TimedHookEvent {
  event: unknown;
  receivedAt: number;
}

export interface HookIngestResult extends IngestResult {
  /** Events that were not hook events (index in the request, why). */
  invalid: { index: number; message: string }[];
  /** Events already processed (a retried delivery); skipped. */
  duplicates: number;
}

const MAX_SESSIONS = 1000;
const MAX_SEEN = 4000;

/**
 * Turns hook events into spans: maps each (hook-mapping.ts), anchors the records to what the store
 * already holds (anchor.ts), and sends them through the one ingest path. Requests are handled one
 * at a time so that a PreToolUse and its PostToolUse racing in from two processes still pair.
 */
export class ClaudeHookIngest {
  private readonly sessions = new Map<string, SessionState>();
  private readonly seen = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: SpanStore,
    private readonly ingest: (records: SpanRecordInput[]) => Promise<IngestResult>,
  ) {}

  /** `lossyUtf8`: the body held bytes that are not UTF-8; events with U+FFFD are refused (http/utf8.ts). */
  handle(events: readonly TimedHookEvent[], options: { lossyUtf8?: boolean } = {}): Promise<HookIngestResult> {
    const run = this.queue.then(() => this.process(events, options.lossyUtf8 === true));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(events: readonly TimedHookEvent[], lossyUtf8: boolean): Promise<HookIngestResult> {
    const records: SpanRecordInput[] = [];
    const known = new Map<string, KnownSpan | null>();
    const invalid: HookIngestResult['invalid'] = [];
    let duplicates = 0;
    for (const [index, { event: raw, receivedAt }] of events.entries()) {
      if (lossyUtf8 && containsReplacementChar(raw)) {
        invalid.push({ index, message: 'INVALID_UTF8: the event holds bytes that are not valid UTF-8' });
        continue;
      }
      const read = readHookEvent(raw);
      if (!read.ok) {
        invalid.push({ index, message: read.message });
        continue;
      }
      const key = `${receivedAt}:${digest(raw)}`;
      if (this.seen.has(key)) {
        duplicates++;
        continue;
      }
      remember(this.seen, key, MAX_SEEN);
      const sid = read.event.session_id;
      const prior = this.sessions.get(sid) ?? (await this.recover(sid));
      const { records: mapped, state, relinked } = mapHookEvent(read.event, receivedAt, prior);
      this.sessions.delete(sid);
      this.sessions.set(sid, state);
      if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
      for (const record of mapped) {
        let current = known.get(record.spanId);
        if (current === undefined) {
          const stored = await this.store.getSpan(record.spanId);
          current = stored ? knownFromSpan(stored) : null;
        }
        const certain = relinked.includes(record.spanId);
        const anchored = anchorRecord(record, current ?? undefined, certain);
        records.push(anchored);
        known.set(record.spanId, applyKnown(anchored, current ?? undefined, certain));
      }
    }
    const result = records.length > 0 ? await this.ingest(records) : { accepted: 0, rejected: [] };
    return { ...result, invalid, duplicates };
  }

  /** Rebuilds a session's soft state from the store after a hub restart. */
  private async recover(sessionId: string): Promise<SessionState> {
    const state = newSessionState();
    const sessionSpanId = claudeIds.session(sessionId);
    if (!(await this.store.getSpan(sessionSpanId))) return state;
    state.started = true;
    const page = await this.store.listSpans({ sessionId, kind: 'agent', limit: 50 });
    for (const span of page.items) {
      if (span.endTime !== null) continue;
      if (!state.turn && span.parentSpanId === sessionSpanId && span.name.startsWith('turn')) {
        state.turn = { spanId: span.spanId, startTime: span.startTime };
      }
      const agentId = span.attributes?.['gen_ai.agent.id'];
      if (typeof agentId === 'string' && span.spanId === claudeIds.agent(sessionId, agentId)) {
        state.agents.unshift({ agentId, spanId: span.spanId });
      }
    }
    return state;
  }
}

function remember(set: Set<string>, key: string, max: number): void {
  set.add(key);
  if (set.size > max) set.delete(set.values().next().value!);
}
