import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ExportLanguage } from '@runtime-hub/codegen';

/**
 * Running an exported app on this machine: a Python app in a virtual environment (one per
 * requirements.txt, shared by every app and deployment that needs the same packages, created once
 * with `pip install -r requirements.txt`), a TypeScript app compiled with tsc against the hub's own
 * installed fastify (its node_modules linked in), then started on a port until /health answers.
 */

const run = promisify(execFile);

/** util-linux's setpriv (Debian: package util-linux or setpriv), for the parent-death signal. */
const SETPRIV = '/usr/bin/setpriv';

export interface StartedApp {
  process: ChildProcess;
  port: number;
  url: string;
  /** What the app printed (last 64 KB), for deployment logs. */
  output(): string;
  stop(): Promise<void>;
}

async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process prepares the same environment; a lock older than 15 minutes is stale.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The virtual environment for an app's requirements.txt (created on first use); returns its folder. */
export async function pythonEnvironment(appDir: string, cacheDir: string, log: (line: string) => void = () => undefined): Promise<string> {
  const requirements = readFileSync(join(appDir, 'requirements.txt'), 'utf8');
  const python = process.env.RUNTIME_HUB_PYTHON ?? 'python3';
  const { stdout: pythonVersion } = await run(python, ['--version']);
  const key = createHash('sha256').update(`${pythonVersion}\n${requirements}`).digest('hex').slice(0, 16);
  const venv = join(cacheDir, `py-${key}`);
  if (existsSync(join(venv, '.ready'))) return venv;
  mkdirSync(cacheDir, { recursive: true });
  return withLock(`${venv}.lock`, async () => {
    if (existsSync(join(venv, '.ready'))) return venv;
    rmSync(venv, { recursive: true, force: true });
    log(`creating a virtual environment (${pythonVersion.trim()}) in ${venv}`);
    await run(python, ['-m', 'venv', venv]);
    writeFileSync(join(venv, 'requirements.txt'), requirements);
    log('pip install -r requirements.txt');
    const { stdout, stderr } = await run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--no-input', '-r', join(venv, 'requirements.txt')], {
      maxBuffer: 32 * 1024 * 1024,
      timeout: 10 * 60_000,
    });
    log((stdout + stderr).trim().split('\n').slice(-3).join('\n'));
    writeFileSync(join(venv, '.ready'), new Date().toISOString());
    return venv;
  });
}

/** The node_modules folder the hub's own fastify was installed in. */
export function hubNodeModules(): string {
  const fastify = createRequire(import.meta.url).resolve('fastify/package.json');
  return dirname(dirname(fastify));
}

/** Compiles a TypeScript app with tsc, its dependencies resolved from the hub's node_modules. */
export async function buildTypescript(appDir: string, nodeModules = hubNodeModules(), log: (line: string) => void = () => undefined): Promise<void> {
  const link = join(appDir, 'node_modules');
  if (!existsSync(link)) symlinkSync(nodeModules, link, 'dir');
  const tsc = join(nodeModules, 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error(`TypeScript is not installed next to the hub (${tsc}); run npm install in the app folder instead`);
  log('tsc -p tsconfig.json');
  try {
    await run(process.execPath, [tsc, '-p', join(appDir, 'tsconfig.json')], { cwd: appDir, timeout: 5 * 60_000 });
  } catch (error) {
    const out = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`tsc failed: ${(out.stdout ?? '') + (out.stderr ?? '') || out.message}`.slice(0, 4000), { cause: error });
  }
}

/** Starts a prepared app on `port` and resolves once its /health answers (or rejects with its output). */
export async function startApp(options: {
  appDir: string;
  language: ExportLanguage;
  port: number;
  env?: Record<string, string>;
  venv?: string;
  timeoutMs?: number;
}): Promise<StartedApp> {
  const { appDir, language, port } = options;
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: process.env.LANG ?? 'C.UTF-8', ...options.env, PORT: String(port), HOST: '127.0.0.1' };
  const [command, args] =
    language === 'python'
      ? [join(options.venv ?? '', 'bin', 'python'), ['-m', 'uvicorn', 'main:app', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--no-access-log']]
      : [process.execPath, [join(appDir, 'dist', 'server.js')]];
  // The app dies with the hub, also when the hub is SIGKILLed: an orphan would keep the port and
  // answer for a deployment another hub has taken over (Linux: the parent-death signal, set by setpriv).
  const [program, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]] : [command, args];
  const child = spawn(program, argv, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited with ${child.exitCode ?? child.signalCode}: ${output.slice(-2000)}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { process: child, port, url, output: () => output, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`the app did not answer /health within ${options.timeoutMs ?? 60_000} ms: ${output.slice(-2000)}`);
}
