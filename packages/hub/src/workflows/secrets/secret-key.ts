import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const SECRET_KEY_ENV = 'RUNTIME_HUB_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';
/** A file holding the key (a mounted secret in a container), for processes that share no data folder. */
export const SECRET_KEY_FILE_ENV = 'RUNTIME_HUB_SECRET_KEY_FILE';

/** A key that cannot be used, with a message that says how to fix it. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new SecretKeyError(`${source} must hold a 256-bit key: 64 hex characters or 44 base64 characters (generate one with: openssl rand -base64 32)`);
  }
  return key;
}

/**
 * The key that encrypts secrets at rest, kept outside the database: `RUNTIME_HUB_SECRET_KEY`
 * when set, else the file `--secret-key-file` or `RUNTIME_HUB_SECRET_KEY_FILE` names, else
 * `<dataDir>/secret.key` — created on first use with mode 0600 unless `create` is false (a scaled
 * worker: it must use the hubs' key, never make one), then undefined when there is none.
 */
export function findSecretKey(dataDir: string, options: { env?: NodeJS.ProcessEnv; file?: string; create?: boolean } = {}): { key: Buffer; source: string } | undefined {
  const env = options.env ?? process.env;
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { key: decodeKey(fromEnv, SECRET_KEY_ENV), source: SECRET_KEY_ENV };
  const named = options.file ?? (env[SECRET_KEY_FILE_ENV] || undefined);
  if (named !== undefined) {
    if (!existsSync(named)) throw new SecretKeyError(`the secret key file ${named} does not exist`);
    return { key: decodeKey(readFileSync(named, 'utf8'), named), source: named };
  }
  const file = join(dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    if (options.create === false) return undefined;
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  // Tighten permissions that were loosened by hand (a copy, an unpacked archive).
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { key: decodeKey(readFileSync(file, 'utf8'), file), source: file };
}

/** {@link findSecretKey}, creating `<dataDir>/secret.key` when no key is given. */
export function loadSecretKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): { key: Buffer; source: string } {
  return findSecretKey(dataDir, { env })!;
}
