import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The hub's CLI as a user runs it (needs `npm run build`). */
const HUB_BIN = fileURLToPath(new URL('../../../hub/bin/runtime-hub.js', import.meta.url));

/** A free loopback port: the SDK must know the hub's address before the hub starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RealHub {
  proc: ChildProcess;
  url: string;
  dataDir: string;
  exited: Promise<void>;
}

/** Starts `runtime-hub start` as a separate process on `port` and waits until it listens. */
export function startHubProcess(port: number, dataDir = mkdtempSync(join(tmpdir(), 'rh-sdk-it-'))): Promise<RealHub> {
  const proc = spawn(process.execPath, [HUB_BIN, 'start', '--port', String(port), '--data', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /runtime-hub listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, url: match[1]!, dataDir, exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`hub exited before listening: ${output}`));
    });
  });
}

export async function stopHub(hub: RealHub, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (hub.proc.exitCode === null && hub.proc.signalCode === null) hub.proc.kill(signal);
  await hub.exited;
}

export interface AppRun {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a fixture app (fixtures/*.mjs|cjs) with the SDK pointed at `url`. */
export function runApp(fixture: string, env: Record<string, string>): AppRun {
  const script = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  const proc = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
