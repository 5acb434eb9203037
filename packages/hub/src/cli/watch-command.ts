import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from '../config.js';
import { resolveToken, UsageError } from './args.js';
import type { Command } from './command.js';

const DEFAULT_URL = 'http://127.0.0.1:8765';

function help(): string {
  return `Usage: runtime-hub watch <dir or file>... [options]

Tails *.jsonl files under the folders (recursively) and sends what they hold to a running hub:
runtime-hub span records, agent trace lines (seed 002) and Claude Code transcripts
(e.g. runtime-hub watch ~/.claude/projects). Files that grow, are truncated, rotated or appear
later are followed; after a restart reading resumes where it stopped. See docs/jsonl.md.

Options:
  --url URL      the hub (default $RUNTIME_HUB_URL, else ${DEFAULT_URL})
  --token TOKEN  bearer token of the hub (default $RUNTIME_HUB_TOKEN)
  --token-file PATH  read the token from this file instead (default $RUNTIME_HUB_TOKEN_FILE)
  --data DIR     where read positions are kept: DIR/watch-offsets.json
                 (default $RUNTIME_HUB_DATA, else ${DEFAULT_CONFIG.dataDir})
  --from-end     files found at start-up without a saved position start at their end
  --poll         poll the file system instead of using its change events (network mounts)
  --once         read what is there now, deliver it, and exit
  -h, --help     show this help
`;
}

export const watchCommand: Command = {
  name: 'watch',
  summary: 'tail JSONL trace files (span records, agent traces, Claude Code transcripts) into a hub',
  help,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          url: { type: 'string' },
          token: { type: 'string' },
          'token-file': { type: 'string' },
          data: { type: 'string' },
          'from-end': { type: 'boolean' },
          poll: { type: 'boolean' },
          once: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(help());
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('give at least one folder or file to watch');
    const url = values.url ?? (process.env.RUNTIME_HUB_URL || DEFAULT_URL);
    const dataDir = values.data ?? (process.env.RUNTIME_HUB_DATA || DEFAULT_CONFIG.dataDir);
    const offsetsFile = resolve(join(dataDir, 'watch-offsets.json'));

    for (const path of positionals) {
      if (!existsSync(path)) process.stderr.write(`runtime-hub watch: ${resolve(path)} does not exist yet; it is read once it appears\n`);
    }
    const { JsonlWatcher } = await import('../ingest/jsonl/watcher.js');
    const { httpSink } = await import('../ingest/jsonl/sinks.js');
    let lastRetry = '';
    const watcher = new JsonlWatcher({
      paths: positionals,
      offsetsFile,
      startAtEnd: values['from-end'] === true,
      poll: values.poll === true,
      sink: httpSink({
        url,
        token: resolveToken({ token: values.token, tokenFile: values['token-file'] }, process.env),
        onRetry: (message, delayMs) => {
          // Once per kind of failure, not once per attempt.
          if (message !== lastRetry) process.stderr.write(`runtime-hub watch: ${message}; retrying (every ${Math.round(delayMs / 1000) || 1}s and up to 30s) without skipping lines\n`);
          lastRetry = message;
        },
      }),
      report: (event) => {
        if (event.type === 'problem') process.stderr.write(`${event.file}:${event.line}: ${event.message}\n`);
        else if (event.type === 'restart') process.stderr.write(`${event.file}: reading from the start (${event.reason})\n`);
        else if (event.type === 'error') process.stderr.write(`runtime-hub watch: ${event.file ? `${event.file}: ` : ''}${event.message}\n`);
      },
    });
    const summary = () => {
      const s = watcher.stats;
      return `read ${s.lines} line(s) from ${s.files} file(s): ${s.records} record(s), ${s.accepted} accepted, ${s.rejected} rejected, ${s.malformed} malformed\n`;
    };

    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= watcher.close());
    // Ctrl-C or SIGTERM: positions saved up to the last delivered batch, then the summary.
    const stopped = new Promise<void>((done) => {
      const onSignal = () => void stop().then(done);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    await watcher.start();
    if (values.once || stopping) {
      await stop();
      process.stdout.write(summary());
      return 0;
    }
    process.stdout.write(`runtime-hub watch: following ${positionals.map((p) => resolve(p)).join(', ')} → ${url} (positions in ${offsetsFile})\n`);
    await stopped;
    process.stdout.write(summary());
    return 0;
  },
};
