import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net/free-port.js';

/**
 * A real PostgreSQL server for tests: its own cluster in a temporary folder, on a free loopback
 * port, tuned for speed (fsync off: a test database never needs to survive a power cut, and the
 * crash tests kill the hub, not PostgreSQL). `close()` stops it and deletes the folder.
 */
export interface PostgresServer {
  /** `postgres://…/postgres`, the server's default database. */
  url: string;
  port: number;
  /** A fresh, empty database on this server; returns its URL. Cheap (CREATE DATABASE). */
  createDatabase(name?: string): Promise<string>;
  close(): Promise<void>;
}

let databaseCounter = 0;

/** The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const fromEnv = process.env.RUNTIME_HUB_PG_BIN;
  if (fromEnv) return fromEnv;
  if (!existsSync(root)) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql); apt-get install postgresql');
  const majors = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'postgres')));
  majors.sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql/*/bin');
  return join(root, majors[0]!, 'bin');
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` (else `nobody`) user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  const entry = passwd.find((fields) => fields[0] === 'postgres') ?? passwd.find((fields) => fields[0] === 'nobody');
  if (!entry) throw new Error('running as root and found neither a postgres nor a nobody user to run PostgreSQL as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/**
 * `durable: true` keeps PostgreSQL's default durability (fsync, synchronous commit): for benchmarks
 * whose figures should hold on a real server; tests leave it off. `settings`: more lines for the
 * server's configuration (a benchmark's `shared_preload_libraries = 'pg_stat_statements'`).
 */
export async function startPostgres(options: { timeoutMs?: number; durable?: boolean; settings?: string[] } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'rh-pg-'));
  const dataDir = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '-N'], {
    ...ids,
    encoding: 'utf8',
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || String(init.error)}`);
  }
  // Settings for a throwaway test cluster: no durability work, few resources, a socket in our folder.
  writeFileSync(
    join(dataDir, 'postgresql.auto.conf'),
    [
      ...(options.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
      'max_connections = 100',
      'shared_buffers = 32MB',
      'log_min_messages = warning',
      `unix_socket_directories = '${dir}'`,
      ...(options.settings ?? []),
    ].join('\n') + '\n',
  );
  const port = await freePort();
  const proc = spawn(join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1'], {
    ...ids,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(bin, port, proc, () => stderr, options.timeoutMs ?? 30_000);
  } catch (error) {
    proc.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    async createDatabase(name) {
      const db = name ?? `test_${process.pid}_${++databaseCounter}`;
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(db)}`;
    },
    async close() {
      await stopServer(proc, exited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(bin: string, port: number, proc: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`postgres exited with ${proc.exitCode}: ${stderr()}`);
    const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { encoding: 'utf8' });
    if (ready.status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`postgres did not accept connections within ${timeoutMs} ms: ${stderr()}`);
}

/** Fast shutdown (SIGINT: roll back open transactions, then exit); SIGKILL after 10 s. */
async function stopServer(proc: ChildProcess, exited: Promise<void>): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGINT');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
