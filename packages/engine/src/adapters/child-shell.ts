import { spawn } from 'node:child_process';
import type { ShellRequest, ShellResult, ShellRunner } from '../ports.js';

/** Variables a command inherits from the hub's environment; nothing else (no tokens, no keys). */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'SHELL'];

/**
 * Runs `/bin/sh -c <command>` in its own process group, with a minimal environment, bounded
 * output, and the whole group killed on timeout or cancel.
 */
export function childShell(options: { defaultCwd?: (project: string) => string } = {}): ShellRunner {
  return {
    run(request: ShellRequest): Promise<ShellResult> {
      const env: Record<string, string> = {};
      for (const name of INHERITED) {
        const value = process.env[name];
        if (value !== undefined) env[name] = value;
      }
      Object.assign(env, request.env);
      return new Promise((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', request.command], {
          cwd: request.cwd ?? options.defaultCwd?.(request.project),
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        const cap = (text: string, chunk: Buffer) => (text.length >= request.maxOutputBytes ? text : (text + chunk.toString('utf8')).slice(0, request.maxOutputBytes));
        child.stdout.on('data', (chunk: Buffer) => (stdout = cap(stdout, chunk)));
        child.stderr.on('data', (chunk: Buffer) => (stderr = cap(stderr, chunk)));
        const killGroup = () => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        };
        const timer = setTimeout(() => {
          timedOut = true;
          killGroup();
        }, request.timeoutMs);
        const onAbort = () => killGroup();
        request.signal.addEventListener('abort', onAbort, { once: true });
        child.on('error', (error) => {
          clearTimeout(timer);
          request.signal.removeEventListener('abort', onAbort);
          reject(error);
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          request.signal.removeEventListener('abort', onAbort);
          resolve({ exitCode: code, signal, stdout, stderr, timedOut });
        });
      });
    },
  };
}
