import type * as fs from 'node:fs';
import { builtin } from '../builtin.js';
import type { ContextValue } from '../context.js';
import { SpanState } from '../span.js';
import { decode } from './codec.js';
import { inputHash } from './keep.js';

/** Raised by a tracked call in a `runtime-hub replay --strict` run where the program stops doing what the recording did. */
export class ReplayDivergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayDivergence';
  }
}

export interface RecordedCall {
  place: string;
  spanId: string;
  name: string;
  phase: 'before' | 'ancestor' | 'checkpoint';
  inputHash?: string;
  result?: unknown;
  error?: unknown;
  skipped?: string;
}

interface ReplayFile {
  traceId: string;
  fromSpan: string;
  newTraceId: string;
  strict?: boolean;
  input?: Record<string, unknown> | null;
  report?: string;
  checkpoint: { place: string };
  calls: RecordedCall[];
}

const A = {
  of: 'runtime_hub.replay.of',
  fromSpan: 'runtime_hub.replay.from_span',
  replayed: 'runtime_hub.replay.replayed',
  recordedSpan: 'runtime_hub.replay.recorded_span',
  checkpoint: 'runtime_hub.replay.checkpoint',
  edited: 'runtime_hub.replay.edited',
  divergence: 'runtime_hub.replay.divergence',
} as const;

/**
 * Replay mode (docs/replay.md): the recording of the run being replayed, the place of each call
 * as the program runs again, and what to do with it. Exists only in a process `runtime-hub
 * replay` started (RUNTIME_HUB_REPLAY names the replay file).
 */
export class Player {
  private readonly calls: Map<string, RecordedCall>;
  readonly checkpointPlace: string;
  private readonly rootPlace: string;
  private readonly rootName: string;
  private readonly places = new WeakMap<SpanState, { place: string; counters: Map<string, number> }>();
  private rootStarted = false;
  private reached = false;
  private diverged = false;

  constructor(private readonly file: ReplayFile) {
    this.calls = new Map(file.calls.map((c) => [c.place, c]));
    this.checkpointPlace = file.checkpoint.place;
    this.rootPlace = this.checkpointPlace.split('/')[0]!;
    this.rootName = this.rootPlace.slice(0, this.rootPlace.lastIndexOf('#'));
  }

  get edits(): Record<string, unknown> | undefined {
    return this.file.input ?? undefined;
  }

  /** The place of a call starting now under `parent`, or undefined when it is outside the replayed run. */
  placeFor(parent: ContextValue | undefined, name: string): string | undefined {
    if (parent === undefined) {
      if (this.rootStarted || name !== this.rootName) return undefined;
      this.rootStarted = true;
      return this.rootPlace;
    }
    const entry = parent instanceof SpanState ? this.places.get(parent) : undefined;
    if (entry === undefined) return undefined;
    const ordinal = entry.counters.get(name) ?? 0;
    entry.counters.set(name, ordinal + 1);
    return `${entry.place}/${name}#${ordinal}`;
  }

  enter(span: SpanState, place: string): void {
    this.places.set(span, { place, counters: new Map() });
    if (place === this.rootPlace && span.parent === undefined) {
      span.useTraceId(this.file.newTraceId);
      span.setAttribute(A.of, this.file.traceId);
      span.setAttribute(A.fromSpan, this.file.fromSpan);
    }
  }

  isCheckpoint(place: string): boolean {
    return place === this.checkpointPlace;
  }

  /** The recorded call to replay, or undefined to run for real. Throws ReplayDivergence in a strict replay. */
  decide(place: string, name: string, span: SpanState | undefined, input: unknown): RecordedCall | undefined {
    if (place === this.checkpointPlace) {
      this.reached = true;
      span?.setAttribute(A.checkpoint, true);
      if (this.edits) span?.setAttribute(A.edited, true);
      this.event({ type: 'checkpoint', place, name, edited: this.edits !== undefined });
      return undefined;
    }
    if (this.diverged) return undefined;
    const call = this.calls.get(place);
    if (call === undefined) {
      if (!this.reached) this.divergence(span, place, name, 'the recording has no call at this place', undefined);
      return undefined;
    }
    if (call.inputHash && !this.reached) {
      const hash = inputHash(input);
      if (hash !== call.inputHash) {
        this.divergence(span, place, name, `input differs from the recording (${hash} ≠ ${call.inputHash})`, call, hash);
        return undefined;
      }
    }
    if (call.phase !== 'before') return undefined;
    if (!('result' in call) && !('error' in call)) {
      this.event({ type: 'live', place, name, reason: `not replayable: ${call.skipped ?? 'no recorded result'}`, recordedSpan: call.spanId });
      return undefined;
    }
    this.event({ type: 'replayed', place, name, recordedSpan: call.spanId });
    span?.setAttribute(A.replayed, true);
    span?.setAttribute(A.recordedSpan, call.spanId);
    return call;
  }

  /** `{ value }` to return, or `{ thrown }` to throw; a recorded promise comes back as a promise. */
  outcome(call: RecordedCall): { value: unknown } | { thrown: unknown } {
    if ('error' in call) {
      const error = call.error as { $?: string; v?: unknown };
      if (error?.$ === 'rejected') return { value: Promise.reject(decode(error.v)) };
      return { thrown: decode(error) };
    }
    const result = call.result as { $?: string; v?: unknown };
    if (result !== null && typeof result === 'object' && result.$ === 'promise') return { value: Promise.resolve(decode(result.v)) };
    return { value: decode(result) };
  }

  /**
   * The checkpoint's arguments with the edit laid over them: `{ "args": [...] }` replaces them all,
   * `{ "0": value }` one by position, other keys go into the first argument when it is a plain
   * object (`create({ messages })`). Arrays and objects the program passed are changed in place,
   * so the program carries the edit on.
   */
  editedArgs(args: unknown[]): unknown[] {
    const edits = this.edits;
    if (!edits) return args;
    const out = args.slice();
    for (const [key, value] of Object.entries(edits)) {
      if (key === 'args' && Array.isArray(value)) value.forEach((v, i) => (out[i] = carryOver(out[i], v)));
      else if (/^\d+$/.test(key)) out[Number(key)] = carryOver(out[Number(key)], value);
      else if (isPlainObject(out[0])) {
        const first = out[0] as Record<string, unknown>;
        first[key] = carryOver(first[key], value);
      }
    }
    return out;
  }

  private divergence(span: SpanState | undefined, place: string, name: string, reason: string, call: RecordedCall | undefined, hash?: string): void {
    this.diverged = true;
    this.event({ type: 'divergence', place, name, reason, ...(call ? { recordedSpan: call.spanId, recordedHash: call.inputHash } : {}), ...(hash ? { hash } : {}) });
    const text = `divergence at ${place}: ${reason}`;
    span?.setAttribute(A.divergence, text);
    span?.addEvent('replay.divergence', { place, reason });
    process.stderr.write(`runtime-hub replay: ${text}${this.file.strict ? '' : '; running everything from here for real'}\n`);
    if (this.file.strict) throw new ReplayDivergence(text);
  }

  private event(event: Record<string, unknown>): void {
    if (!this.file.report) return;
    try {
      builtin<typeof fs>('node:fs').appendFileSync(this.file.report, `${JSON.stringify(event)}\n`);
    } catch {
      // the summary misses a line; the run goes on
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function carryOver(original: unknown, edited: unknown): unknown {
  if (Array.isArray(original) && Array.isArray(edited)) {
    original.splice(0, original.length, ...(edited as unknown[]));
    return original;
  }
  return edited;
}

const KEY = Symbol.for('@runtime-hub/sdk.replay-player');
const holder = globalThis as unknown as Record<symbol, Player | null | undefined>;

/** The player of this process, read once from RUNTIME_HUB_REPLAY (shared by the ESM and CommonJS builds). */
export function replayPlayer(): Player | undefined {
  if (holder[KEY] === undefined) {
    holder[KEY] = null;
    const path = process.env.RUNTIME_HUB_REPLAY;
    if (path) {
      try {
        holder[KEY] = new Player(JSON.parse(builtin<typeof fs>('node:fs').readFileSync(path, 'utf8')) as ReplayFile);
      } catch (error) {
        process.stderr.write(`runtime-hub: RUNTIME_HUB_REPLAY=${path} could not be read (${(error as Error).message}); running without replay\n`);
      }
    }
  }
  return holder[KEY] ?? undefined;
}
