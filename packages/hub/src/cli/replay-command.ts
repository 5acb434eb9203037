import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Recording } from '../replay/recording.js';
import { formatSummary, parseReport, summarize } from '../replay/report.js';
import { resolveToken, UsageError } from './args.js';
import type { Command } from './command.js';

/** Exit status when `--strict` stopped the program at a divergence. */
const STRICT_DIVERGENCE = 3;

function help(): string {
  return `Usage: runtime-hub replay <traceId> --from <spanId> [--input edited.json] [--strict] -- <program> [args…]

Runs the program again from a recorded call (the checkpoint): tracked calls that had finished
before it return their recorded results without running, the checkpoint runs for real with the
edited input, everything after it runs for real. The new run is stored as a branch of the
recorded trace. See docs/replay.md.

  runtime-hub replay 4bf92f35… --from 00f067aa… --input messages.json -- python agent.py
  runtime-hub replay 4bf92f35… --from 00f067aa… -- node app.js

Options:
  --from SPANID      the checkpoint: a span of the trace
  --input FILE       a JSON object of arguments by name laid over the checkpoint's own
                     (an LLM call: {"messages": [...]}, a function: {"param": value})
  --strict           stop at the first divergence (the call raises ReplayDivergence; exit ${STRICT_DIVERGENCE})
  --url URL          the hub (default http://127.0.0.1:8765; env RUNTIME_HUB_URL)
  --token TOKEN      the hub's token (env RUNTIME_HUB_TOKEN)
  --token-file PATH  read the token from this file (env RUNTIME_HUB_TOKEN_FILE)
  -h, --help         show this help
`;
}

interface ReplayPlan {
  recording: Recording;
  newTraceId: string;
  compareUrl: string;
}

function readInput(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--input: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--input: ${path} must hold a JSON object of arguments by name, e.g. {"messages": [...]}`);
  }
  return value as Record<string, unknown>;
}

async function plan(base: string, token: string | undefined, body: Record<string, unknown>): Promise<ReplayPlan> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/replay', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new UsageError(`no hub answers at ${base} (${(error as Error).message}); start one with "runtime-hub start"`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      // not the hub's error shape: print what came back
    }
    throw new UsageError(`the hub answered ${response.status}: ${message}`);
  }
  return JSON.parse(text) as ReplayPlan;
}

function run(program: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(program[0]!, program.slice(1), { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'run a program again from a recorded call, with an edited input, as a branch of its trace',
  help,
  async run(argv) {
    const dash = argv.indexOf('--');
    const own = dash === -1 ? argv : argv.slice(0, dash);
    const program = dash === -1 ? [] : argv.slice(dash + 1);
    let values: Record<string, string | boolean | undefined>;
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: own,
        allowPositionals: true,
        options: {
          from: { type: 'string' },
          input: { type: 'string' },
          strict: { type: 'boolean' },
          url: { type: 'string' },
          token: { type: 'string' },
          'token-file': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      process.stdout.write(help());
      return 0;
    }
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const traceId = positionals[0]?.toLowerCase();
    if (!traceId || !/^[0-9a-f]{32}$/.test(traceId) || positionals.length > 1) throw new UsageError('expected one trace id (32 hex characters) before --');
    const fromSpan = str(values.from)?.toLowerCase();
    if (!fromSpan || !/^[0-9a-f]{16}$/.test(fromSpan)) throw new UsageError('--from: expected a span id (16 hex characters)');
    if (program.length === 0) throw new UsageError('expected the program to run after --, e.g. -- python agent.py');
    const input = str(values.input) ? readInput(values.input as string) : undefined;
    const strict = values.strict === true;
    const env = process.env;
    const base = str(values.url) ?? str(env.RUNTIME_HUB_URL) ?? 'http://127.0.0.1:8765';
    const token = resolveToken({ token: str(values.token), tokenFile: str(values['token-file']) }, env);

    const { recording, newTraceId, compareUrl } = await plan(base, token, { traceId, fromSpan, strict, ...(input ? { input } : {}) });
    const folder = mkdtempSync(join(tmpdir(), 'runtime-hub-replay-'));
    const report = join(folder, 'report.jsonl');
    try {
      const file = join(folder, 'replay.json');
      writeFileSync(file, JSON.stringify({ ...recording, newTraceId, strict, input: input ?? null, report }), { mode: 0o600 });
      writeFileSync(report, '', { mode: 0o600 });
      process.stderr.write(`runtime-hub replay: trace ${traceId} from ${recording.checkpoint.place} (span ${fromSpan}) → new trace ${newTraceId}\n`);
      const code = await run(program, { ...env, RUNTIME_HUB_REPLAY: file, RUNTIME_HUB_URL: base, ...(token ? { RUNTIME_HUB_TOKEN: token } : {}) });
      const summary = summarize(recording.calls, parseReport(readFileSync(report, 'utf8')));
      process.stderr.write(formatSummary(summary, recording.checkpoint.place, newTraceId, new URL(compareUrl, base).toString()));
      if (strict && summary.divergence) return STRICT_DIVERGENCE;
      return code;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
