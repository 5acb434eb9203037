import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from './args.js';
import type { Command } from './command.js';

// Only node: modules and small files at the top: `runtime-hub hook` runs once per hook event and
// its start-up time is the agent's waiting time. install / uninstall load their code on demand.

const DEFAULT_URL = 'http://127.0.0.1:8765';
/** The hub must reply within this, or the event is spooled. */
const DEFAULT_TIMEOUT_MS = 500;
/** Claude Code closes stdin after the event; this only guards against a caller that does not. */
const STDIN_TIMEOUT_MS = 2000;
const BIN = fileURLToPath(new URL('../../bin/runtime-hub.js', import.meta.url));

function help(): string {
  return `Usage:
  runtime-hub hook [--url URL] [--spool DIR] [--timeout-ms N]
      Reads one Claude Code hook event (JSON) on stdin and sends it to the hub. If the hub is not
      reachable within the timeout (default ${DEFAULT_TIMEOUT_MS} ms) the event is spooled and sent by a later
      call. Always exits 0 and prints nothing: a hook must never block or fail the agent.
  runtime-hub hook flush [--url URL] [--spool DIR]
      Sends every spooled event now.
  runtime-hub hook install [--project DIR | --settings FILE] [--url URL] [--http | --async] [--command CMD]
      Adds runtime-hub's hooks to ~/.claude/settings.json (or DIR/.claude/settings.json), keeping
      every other setting and hook. Run it again to update; it never adds a hook twice.
      --http installs Claude Code HTTP hooks that post to the hub directly (no spool: events are
      lost while the hub is down). --async marks the command hooks "async": Claude Code does not
      wait for them at all (events may then arrive out of order; see docs/claude-code.md).
      --command sets the command (default: this runtime-hub, by path).
  runtime-hub hook uninstall [--project DIR | --settings FILE]
      Removes runtime-hub's hooks and nothing else.

Environment: RUNTIME_HUB_URL (default ${DEFAULT_URL}), RUNTIME_HUB_TOKEN, RUNTIME_HUB_SPOOL
(default $RUNTIME_HUB_DATA/spool, or ~/.runtime-hub/spool).
`;
}

const OPTIONS = {
  url: { type: 'string' },
  spool: { type: 'string' },
  token: { type: 'string' },
  'timeout-ms': { type: 'string' },
  project: { type: 'string' },
  settings: { type: 'string' },
  http: { type: 'boolean' },
  async: { type: 'boolean' },
  command: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const hookCommand: Command = {
  name: 'hook',
  summary: 'send a Claude Code hook event (stdin) to the hub; install or uninstall the hooks',
  help,
  async run(argv) {
    const sub = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
    if (sub === undefined) return deliver(argv);
    const rest = argv.slice(1);
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true }) as { values: Record<string, string | boolean | undefined> });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      process.stdout.write(help());
      return 0;
    }
    const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
    switch (sub) {
      case 'flush': {
        const { flushSpool } = await import('../ingest/claude/hook-deliver.js');
        const { Spool } = await import('../ingest/claude/spool.js');
        const spool = new Spool(spoolDir(str('spool')));
        const result = await flushSpool({ url: hubUrl(str('url')), token: token(str('token')), spool, timeoutMs: 10_000 });
        process.stdout.write(`sent ${result.delivered} spooled event(s) from ${spool.dir}; ${result.remaining} remain\n`);
        return result.remaining === 0 ? 0 : 1;
      }
      case 'install':
      case 'uninstall': {
        const { installIntoFile, settingsPath, uninstallFromFile, SettingsFileError } = await import('../ingest/claude/settings-file.js');
        if (str('project') && str('settings')) throw new UsageError('give --project or --settings, not both');
        const path = settingsPath({ project: str('project'), settings: str('settings') });
        try {
          if (sub === 'uninstall') {
            const removed = uninstallFromFile(path);
            process.stdout.write(removed > 0 ? `removed ${removed} runtime-hub hook(s) from ${path}\n` : `no runtime-hub hooks in ${path}\n`);
            return 0;
          }
          const handler = values.http
            ? httpHandler(hubUrl(str('url')))
            : { type: 'command' as const, command: str('command') ?? defaultCommand(str('url')), timeout: 10, ...(values.async ? { async: true } : {}) };
          const count = installIntoFile(path, handler);
          process.stdout.write(`installed runtime-hub hooks for ${count} events in ${path}\n  ${handler.type === 'http' ? `POST ${handler.url}` : handler.command}\n`);
          return 0;
        } catch (error) {
          if (error instanceof SettingsFileError) {
            process.stderr.write(`runtime-hub hook ${sub}: ${error.message}\n`);
            return 1;
          }
          throw error;
        }
      }
      default:
        throw new UsageError(`unknown sub-command "${sub}" (expected install, uninstall or flush)`);
    }
  },
};

/** The hook proper. Never throws and always exits 0: failures end in the spool, not in the agent. */
async function deliver(argv: string[]): Promise<number> {
  const receivedAt = Date.now();
  try {
    const { values } = parseArgs({ args: argv, options: OPTIONS, strict: false });
    if (values.help) {
      process.stdout.write(help());
      return 0;
    }
    const text = await readStdin();
    if (text.trim() === '') return 0;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      process.stderr.write('runtime-hub hook: stdin is not JSON; nothing sent\n');
      return 0;
    }
    const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
    const timeoutMs = Number(str('timeout-ms') ?? DEFAULT_TIMEOUT_MS);
    const { deliverHookEvent } = await import('../ingest/claude/hook-deliver.js');
    const { Spool } = await import('../ingest/claude/spool.js');
    await deliverHookEvent(
      { receivedAt, event },
      {
        url: hubUrl(str('url')),
        token: token(str('token')),
        spool: new Spool(spoolDir(str('spool'))),
        timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS,
      },
    );
  } catch (error) {
    process.stderr.write(`runtime-hub hook: ${(error as Error).message}\n`);
  }
  return 0;
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      process.stdin.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(finish, STDIN_TIMEOUT_MS);
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', finish);
    process.stdin.on('error', finish);
  });
}

function hubUrl(flag: string | undefined): string {
  return flag ?? process.env.RUNTIME_HUB_URL ?? DEFAULT_URL;
}

function token(flag: string | undefined): string | undefined {
  return flag ?? (process.env.RUNTIME_HUB_TOKEN || undefined);
}

function spoolDir(flag: string | undefined): string {
  if (flag) return flag;
  if (process.env.RUNTIME_HUB_SPOOL) return process.env.RUNTIME_HUB_SPOOL;
  if (process.env.RUNTIME_HUB_DATA) return join(process.env.RUNTIME_HUB_DATA, 'spool');
  return join(homedir(), '.runtime-hub', 'spool');
}

/** This node and this CLI by absolute path: works without runtime-hub on PATH and without npx's start-up cost. */
function defaultCommand(url: string | undefined): string {
  const quote = (s: string) => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
  return `${quote(process.execPath)} ${quote(BIN)} hook${url ? ` --url ${quote(url)}` : ''}`;
}

function httpHandler(url: string) {
  const handler: { type: 'http'; url: string; timeout: number; headers?: Record<string, string>; allowedEnvVars?: string[] } = {
    type: 'http',
    url: `${url.replace(/\/+$/, '')}/api/v1/hooks/claude`,
    timeout: 5,
  };
  if (process.env.RUNTIME_HUB_TOKEN) {
    handler.headers = { Authorization: 'Bearer $RUNTIME_HUB_TOKEN' };
    handler.allowedEnvVars = ['RUNTIME_HUB_TOKEN'];
  }
  return handler;
}
