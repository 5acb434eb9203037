import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net/free-port.js';

/** The Debian package's binary; `.ci/run` installs redis-server. */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export interface RedisTestServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  /** Everything the server logged so far (for failure messages). */
  output(): string;
  /** SIGKILLs the server (data not yet in the append-only file is lost, as in a real crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (what survived is what the AOF held). */
  restart(): Promise<void>;
  /** Stops the server and deletes its folder. */
  close(): Promise<void>;
}

export interface RedisTestOptions {
  /** Append-only file with fsync on every write: what a durability test needs. Default false. */
  appendOnly?: boolean;
}

/**
 * A real redis-server for tests: a free port on 127.0.0.1, its own temporary folder, no
 * snapshots, optionally an append-only file (`appendfsync always`). Resolves once it accepts
 * connections; rejects with its log when it exits or stays silent for `timeoutMs`.
 */
export async function startRedisServer(options: RedisTestOptions = {}, timeoutMs = 20_000): Promise<RedisTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rh-redis-'));
  let port = await freePort();
  let proc!: ChildProcess;
  let log = '';
  const launch = async (): Promise<void> => {
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--save', '',
      '--daemonize', 'no',
      '--protected-mode', 'yes',
      // BullMQ refuses to run on an instance that may evict its keys.
      '--maxmemory-policy', 'noeviction',
      ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ];
    proc = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`redis-server did not start within ${timeoutMs} ms\n${log}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (/Ready to accept connections/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code} before it was ready\n${log}`));
      });
    });
  };
  try {
    await launch();
  } catch (error) {
    // The port may have been taken between picking and binding: one more try on another.
    if (!/Address already in use/.test(log)) throw error;
    port = await freePort();
    log = '';
    await launch();
  }
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get proc() {
      return proc;
    },
    output: () => log,
    kill: () => stop('SIGKILL'),
    async restart() {
      await stop('SIGKILL');
      log = '';
      await launch();
    },
    async close() {
      await stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
