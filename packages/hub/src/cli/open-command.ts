import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveToken, UsageError } from './args.js';
import type { Command } from './command.js';

const DEFAULT_PORT = 8765;
const HEALTH_TIMEOUT_MS = 2000;

/** Chromium-family browsers that open a URL as an app window with `--app=`, most specific first. */
const APP_BROWSERS: Record<string, string[]> = {
  linux: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'brave-browser'],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
  ],
  win32: [
    '%ProgramFiles%\\Google\\Chrome\\Application\\chrome.exe',
    '%ProgramFiles(x86)%\\Google\\Chrome\\Application\\chrome.exe',
    '%LocalAppData%\\Google\\Chrome\\Application\\chrome.exe',
    '%ProgramFiles(x86)%\\Microsoft\\Edge\\Application\\msedge.exe',
    '%ProgramFiles%\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
};

function help(): string {
  return `Usage: runtime-hub open [--url URL | --port N] [--browser PATH] [--print]

Opens the dashboard in an app window of the installed Chromium or Chrome (--app=), or in the
default browser when neither is installed. The hub must be running (runtime-hub start).

Options:
  --url URL        the hub's address (default http://127.0.0.1:<port>; env RUNTIME_HUB_URL)
  --port N         port of a local hub (default ${DEFAULT_PORT}; env RUNTIME_HUB_PORT)
  --browser PATH   the browser to use (env RUNTIME_HUB_BROWSER); any Chromium-family browser
                   opens an app window, others a normal one
  --token TOKEN    the hub's token, if it has one (env RUNTIME_HUB_TOKEN); the browser trades it
                   for a cookie on first load
  --token-file PATH  read the token from this file (env RUNTIME_HUB_TOKEN_FILE)
  --print          print the command instead of running it
  -h, --help       show this help
`;
}

export interface OpenEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Whether an executable exists at this path. */
  exists(path: string): boolean;
}

export interface OpenPlan {
  command: string;
  args: string[];
  /** True when the dashboard opens as an app window. */
  appWindow: boolean;
}

/** Finds an executable by name on PATH (or checks a path), as the shell would. */
export function findExecutable(name: string, host: OpenEnvironment): string | undefined {
  const expanded = name.replace(/%([^%]+)%/g, (_, key: string) => host.env[key] ?? '');
  if (/[\\/]/.test(expanded)) return host.exists(expanded) ? expanded : undefined;
  const exts = host.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
  for (const dir of (host.env.PATH ?? '').split(host.platform === 'win32' ? ';' : delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (host.exists(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Decides how to open `url`: an app window of a Chromium-family browser, else the default browser. */
export function planOpen(url: string, browser: string | undefined, host: OpenEnvironment): OpenPlan {
  if (browser) {
    const found = findExecutable(browser, host);
    if (!found) throw new UsageError(`--browser: no executable "${browser}"`);
    const chromium = /chrom|edge|brave|vivaldi|opera/i.test(found);
    return { command: found, args: chromium ? [`--app=${url}`] : [url], appWindow: chromium };
  }
  for (const candidate of APP_BROWSERS[host.platform] ?? []) {
    const found = findExecutable(candidate, host);
    if (found) return { command: found, args: [`--app=${url}`], appWindow: true };
  }
  if (host.platform === 'darwin') return { command: 'open', args: [url], appWindow: false };
  if (host.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url], appWindow: false };
  return { command: 'xdg-open', args: [url], appWindow: false };
}

/** The address to open: the hub's root, with the token for a first visit when one is set. */
export function dashboardUrl(base: string, token: string | undefined): string {
  const url = new URL('/', base);
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

async function hubAnswers(base: string, token: string | undefined): Promise<boolean> {
  try {
    const response = await fetch(new URL('/api/health', base), {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return response.ok;
  } catch {
    return false;
  }
}

export const openCommand: Command = {
  name: 'open',
  summary: 'open the dashboard in an app window (Chromium / Chrome) or the default browser',
  help,
  async run(argv) {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          url: { type: 'string' },
          port: { type: 'string' },
          browser: { type: 'string' },
          token: { type: 'string' },
          'token-file': { type: 'string' },
          print: { type: 'boolean' },
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
    const env = process.env;
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const port = str(values.port) ?? str(env.RUNTIME_HUB_PORT) ?? String(DEFAULT_PORT);
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`--port: expected 1–65535, got ${JSON.stringify(port)}`);
    const base = str(values.url) ?? str(env.RUNTIME_HUB_URL) ?? `http://127.0.0.1:${port}`;
    try {
      new URL(base);
    } catch {
      throw new UsageError(`--url: not a URL: ${JSON.stringify(base)}`);
    }
    const token = resolveToken({ token: str(values.token), tokenFile: str(values['token-file']) }, env);
    if (!(await hubAnswers(base, token))) {
      process.stderr.write(`runtime-hub open: no hub answers at ${base}. Start one with "runtime-hub start" (or "npm start").\n`);
      return 1;
    }
    const plan = planOpen(dashboardUrl(base, token), str(values.browser) ?? str(env.RUNTIME_HUB_BROWSER), {
      platform: process.platform,
      env,
      exists: existsSync,
    });
    if (values.print) {
      process.stdout.write(`${[plan.command, ...plan.args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
      return 0;
    }
    const child = spawn(plan.command, plan.args, { detached: true, stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    process.stdout.write(`Opened ${base} ${plan.appWindow ? `in an app window of ${plan.command}` : 'in the default browser'}.\n`);
    return 0;
  },
};
