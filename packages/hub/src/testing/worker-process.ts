import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_PATH, childEnv } from './hub-process.js';

export interface WorkerProcess {
  proc: ChildProcess;
  /** Everything the process wrote so far. */
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts `runtime-hub worker` as a real child process (the built CLI: `npm run build` first) and
 * resolves once it says it is ready; rejects with its output when it exits or stays silent.
 */
export function spawnWorker(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, [CLI_PATH, 'worker', '--log-level', 'warn', ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`worker did not get ready within ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    proc.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('runtime-hub worker ready')) {
        clearTimeout(timer);
        resolve({ proc, output: () => output, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready\n${output}`));
    });
  });
}

/** SIGKILLs a child that is still running and waits for it to go. */
export async function killNow(child: { proc: ChildProcess; exited: Promise<number | null> }): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  await child.exited;
}
