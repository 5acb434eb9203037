import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI entry point; tests that spawn the hub need `npm run build` first. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface HubProcess {
  proc: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * The environment for a CLI child: the test's own, minus the user's RUNTIME_HUB_* settings (a
 * developer's token, port or data folder must not change what a test sees), plus `env`.
 */
export function childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RUNTIME_HUB_')));
  return { ...clean, ...env };
}

/**
 * Starts `runtime-hub start` as a real child process and resolves once it prints its address.
 * It listens on a free port unless `args` name one (`--port` given later wins), so a hub the user
 * runs on the default port never collides with a test. Rejects with the process output when it
 * exits or stays silent for `timeoutMs`.
 */
export function spawnHub(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<HubProcess> {
  const proc = spawn(process.execPath, [CLI_PATH, 'start', '--port', '0', '--log-level', 'warn', ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`hub did not start within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    proc.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /runtime-hub listening on (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, url: match[1]!, stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI_PATH, ...args], { env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
