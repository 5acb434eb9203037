import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../hub/dist/cli/main.js', import.meta.url));

export interface RunningHub {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the hub (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Starts a real hub process (the CLI, as a user would) on a free port, or on `port` to come back
 * at the same address after a restart. Resolves once it prints its listening line.
 */
export function startHub(options: { dataDir?: string; port?: number; token?: string; args?: string[] } = {}): Promise<RunningHub> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'runtime-hub-web-'));
  const args = [CLI, 'start', '--port', String(options.port ?? 0), '--data', dataDir, '--log-level', 'warn'];
  if (options.token) args.push('--token', options.token);
  if (options.args) args.push(...options.args);
  // The user's RUNTIME_HUB_* settings (a token, a port) must not change what a test sees.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RUNTIME_HUB_')));
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub did not start within 15 s\n${out}\n${err}`));
    }, 15_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /runtime-hub listening on (http:\/\/[^\s]+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      const url = match[1]!;
      resolve({ url, port: Number(new URL(url).port), dataDir, stop: () => stopChild(child) });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}\n${out}\n${err}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
