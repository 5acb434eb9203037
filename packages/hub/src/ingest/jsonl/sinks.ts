import { postJson } from '../claude/post-json.js';
import type { IngestResult } from '../ingest.js';
import type { JsonlSink } from './watcher.js';

/** Records go straight into the hub's ingest path (`start --watch`). */
export function ingestSink(ingest: (records: unknown[]) => Promise<IngestResult>): JsonlSink {
  return {
    async send(records, signal) {
      if (signal.aborted) return undefined;
      return ingest(records);
    },
  };
}

export interface HttpSinkOptions {
  url: string;
  token?: string;
  /** Told about each failed attempt (the sink keeps retrying). */
  onRetry?: (message: string, delayMs: number) => void;
}

/**
 * Records go to a running hub over HTTP (`runtime-hub watch`), `POST /api/v1/spans`. While the hub
 * is unreachable or answers 5xx / 429 / 401, the same batch is retried with backoff (0.5 s doubling
 * to 30 s) and the watcher waits: its cursors do not move, so nothing is skipped. A batch the hub
 * finds too large is split in halves.
 */
export function httpSink(options: HttpSinkOptions): JsonlSink {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/spans`;
  const send: JsonlSink['send'] = async (records, signal) => {
    let delay = 500;
    for (;;) {
      if (signal.aborted) return undefined;
      const reply = await postJson(endpoint, { spans: records }, { token: options.token, timeoutMs: 30_000 });
      if (reply.status === 200) return JSON.parse(reply.body) as Awaited<ReturnType<JsonlSink['send']>>;
      if (reply.status === 413 && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        const a = await send(records.slice(0, half), signal);
        const b = a && (await send(records.slice(half), signal));
        if (!a || !b) return undefined;
        return { accepted: a.accepted + b.accepted, rejected: [...a.rejected, ...b.rejected.map((r) => ({ ...r, index: r.index + half }))] };
      }
      if (reply.status >= 400 && reply.status < 500 && reply.status !== 401 && reply.status !== 429) {
        // The hub refuses the request as a whole: report every record of it and go on.
        const message = errorMessage(reply.body) ?? `HTTP ${reply.status}`;
        return { accepted: 0, rejected: records.map((_, index) => ({ index, code: 'REQUEST_REJECTED', message })) };
      }
      const why = reply.status === 0 ? `hub not reachable at ${options.url}` : `hub answered ${reply.status}${reply.status === 401 ? ' (check the token)' : ''}`;
      options.onRetry?.(why, delay);
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 30_000);
    }
  };
  return { send };
}

function errorMessage(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
