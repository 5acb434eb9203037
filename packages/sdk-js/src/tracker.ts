import { types } from 'node:util';
import { getClient } from './client.js';
import { storage, type ContextValue } from './context.js';
import type { ErrorMatcher } from './ignore-errors.js';
import { keepError, keepResult, startKeeping } from './replay/keep.js';
import { RateLimiter } from './sampling.js';
import type { SpanState } from './span.js';
import type { SpanKind } from './wire.js';

export type Mode = 'plain' | 'generator' | 'async-generator';

/** What a tracked call runs under when no span is recorded for it (sampling, rate limit, full buffer). */
export class Skipped {
  constructor(readonly outer: ContextValue | undefined) {}
}

export interface TrackerOptions {
  name: string;
  kind: SpanKind;
  mode: Mode;
  nameOf: ((thisArg: unknown) => string) | undefined;
  captureArgs: boolean | undefined;
  captureResult: boolean | undefined;
  attributes: Record<string, unknown> | undefined;
  sessionId: string | undefined;
  ignoreErrors: readonly ErrorMatcher[] | undefined;
  rateLimit: number | undefined;
  /** Keep results for replay: true, false, or undefined (configure's `replay`). */
  replay: boolean | undefined;
}

/**
 * The work of one tracked function around each call, kept out of the wrapper itself: the wrapper
 * calls enter() before and returned() / failed() after, so while the function runs only the
 * wrapper's small frame sits between it and its caller (deep recursion keeps nearly its depth).
 */
export class Tracker {
  private limiter: RateLimiter | undefined;

  constructor(private readonly options: TrackerOptions) {}

  /** The span name a call with this `this` gets. */
  spanName(thisArg: unknown): string {
    return this.options.nameOf === undefined ? this.options.name : this.options.nameOf(thisArg);
  }

  /**
   * Before the call: undefined to call plainly, else the span (or the skip marker) whose context
   * the call now runs in.
   */
  enter(thisArg: unknown, args: IArguments): SpanState | Skipped | undefined {
    const client = getClient();
    if (!client.enabled) return undefined;
    const options = this.options;
    const parent = storage.getStore();
    const limit = options.rateLimit ?? client.config.rateLimit;
    let limiter: RateLimiter | undefined;
    if (limit > 0) {
      if (this.limiter?.perSecond !== limit) this.limiter = new RateLimiter(limit);
      limiter = this.limiter;
    }
    const skip = client.admit(parent, limiter);
    if (skip !== undefined) {
      if (skip === parent) return undefined;
      storage.enterWith(skip);
      return new Skipped(parent);
    }
    const name = options.nameOf === undefined ? options.name : options.nameOf(thisArg);
    const span = client.startSpan(name, options.kind, parent as SpanState | undefined, options.sessionId);
    if (args.length > 0 && (options.captureArgs ?? client.config.captureArgs) && !client.exporter.hubDown) {
      span.setInput(Array.prototype.slice.call(args));
    }
    if (options.attributes !== undefined) span.setAttributes(options.attributes);
    if (options.captureResult !== undefined) span.captureResult = options.captureResult;
    if (options.ignoreErrors !== undefined) span.ignoreErrors = options.ignoreErrors;
    const replay = client.config.replay;
    if (options.replay ?? (replay === 'all' || (replay === 'llm' && options.kind === 'llm'))) startKeeping(span);
    client.exporter.started(span);
    storage.enterWith(span);
    return span;
  }

  /** After the call returned: restores the caller's context and ends (or hands on) the span. */
  returned(entered: SpanState | Skipped, result: unknown): unknown {
    if (entered instanceof Skipped) {
      storage.enterWith(entered.outer as ContextValue);
      return result;
    }
    storage.enterWith(entered.parent as ContextValue);
    const mode = this.options.mode;
    if (mode === 'generator') return wrapGenerator(entered, result as Generator);
    if (mode === 'async-generator') return wrapAsyncGenerator(entered, result as AsyncGenerator);
    if (typeof result === 'object' && result !== null && types.isPromise(result)) return settle(entered, result as Promise<unknown>);
    if (entered.replayKeep) keepResult(entered, result, false);
    entered.finish(result, undefined, false);
    return result;
  }

  /** After the call threw: restores the caller's context and ends the span with the error. */
  failed(entered: SpanState | Skipped, error: unknown): void {
    if (entered instanceof Skipped) {
      storage.enterWith(entered.outer as ContextValue);
      return;
    }
    storage.enterWith(entered.parent as ContextValue);
    if (entered.replayKeep) keepError(entered, error, false);
    entered.finish(undefined, error, true);
  }
}

/** Ends the span when the promise settles; resolves and rejects exactly like it. */
export function settle<T>(span: SpanState, promise: Promise<T>): Promise<T> {
  return promise.then(
    (value) => {
      if (span.replayKeep) keepResult(span, value, true);
      span.finish(value, undefined, false);
      return value;
    },
    (error: unknown) => {
      if (span.replayKeep) keepError(span, error, true);
      span.finish(undefined, error, true);
      throw error;
    },
  );
}

/**
 * The span of one generator: it covers the whole iteration, counts the items yielded and ends on
 * exhaustion, error or an early return. Shared by the sync and async wrappers below.
 */
function generatorSpan(span: SpanState) {
  let yielded = 0;
  return {
    failed(error: unknown): never {
      span.setAttribute('generator.yielded', yielded);
      span.finish(undefined, error, true);
      throw error;
    },
    stepped(result: IteratorResult<unknown>): IteratorResult<unknown> {
      if (result.done) {
        span.setAttribute('generator.yielded', yielded);
        span.finish(result.value, undefined, false);
      } else yielded++;
      return result;
    },
  };
}

function wrapGenerator(span: SpanState, generator: Generator): Generator {
  const tracked = generatorSpan(span);
  const step = (op: () => IteratorResult<unknown>): IteratorResult<unknown> =>
    storage.run(span, () => {
      let result: IteratorResult<unknown>;
      try {
        result = op();
      } catch (error) {
        return tracked.failed(error);
      }
      return tracked.stepped(result);
    });
  const wrapped: Generator = {
    next: (...value: [] | [unknown]) => step(() => generator.next(...value)),
    return: (value: unknown) => step(() => generator.return(value)),
    throw: (error: unknown) => step(() => generator.throw(error)),
    [Symbol.iterator]() {
      return wrapped;
    },
  } as Generator;
  return wrapped;
}

function wrapAsyncGenerator(span: SpanState, generator: AsyncGenerator): AsyncGenerator {
  const tracked = generatorSpan(span);
  const step = (op: () => Promise<IteratorResult<unknown>>): Promise<IteratorResult<unknown>> =>
    storage.run(span, async () => {
      let result: IteratorResult<unknown>;
      try {
        result = await op();
      } catch (error) {
        return tracked.failed(error);
      }
      return tracked.stepped(result);
    });
  const wrapped: AsyncGenerator = {
    next: (...value: [] | [unknown]) => step(() => generator.next(...value)),
    return: (value: unknown) => step(() => generator.return(value)),
    throw: (error: unknown) => step(() => generator.throw(error)),
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  } as AsyncGenerator;
  return wrapped;
}
