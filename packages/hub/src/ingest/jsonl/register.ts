import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context.js';
import { ingestSink } from './sinks.js';
import { JsonlWatcher, type WatchEvent } from './watcher.js';

/** Cursors of `start --watch`, in the data folder. */
export const HUB_OFFSETS_FILE = 'jsonl-offsets.json';

/**
 * `start --watch <dir>`: tails `*.jsonl` files under the folders in `config.watchDirs` and sends
 * what it reads through the one ingest path, in-process. Problems with lines are logged with the
 * file and line number; the watcher goes on.
 */
export function registerJsonlWatch(_app: FastifyInstance, ctx: HubContext): void {
  const dirs = ctx.config.watchDirs ?? [];
  if (dirs.length === 0) return;
  const log = ctx.log.child({ feature: 'jsonl-watch' });
  const watcher = new JsonlWatcher({
    paths: dirs,
    offsetsFile: join(ctx.config.dataDir, HUB_OFFSETS_FILE),
    sink: ingestSink((records) => ctx.ingest(records)),
    report: (event) => logEvent(log, event, watcher.stats.malformed + watcher.stats.rejected),
  });
  const started = watcher.start().then(
    () => log.info({ dirs, ...watcher.stats }, 'watching JSONL trace files'),
    (error: unknown) => log.error({ err: error, dirs }, 'could not watch JSONL trace files'),
  );
  ctx.onClose(async () => {
    await watcher.close();
    await started;
    log.info({ dirs, ...watcher.stats }, 'stopped watching JSONL trace files');
  });
}

function logEvent(log: HubContext['log'], event: WatchEvent, problems: number): void {
  switch (event.type) {
    case 'problem':
      log.warn({ file: event.file, line: event.line, problems }, `${event.file}:${event.line}: ${event.message}`);
      break;
    case 'restart':
      log.info({ file: event.file, reason: event.reason }, `reading ${event.file} from the start (${event.reason})`);
      break;
    case 'removed':
      log.debug({ file: event.file }, 'file removed');
      break;
    case 'error':
      log.warn({ file: event.file }, event.message);
  }
}
