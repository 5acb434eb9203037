import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const SECRET_KEY_ENV = 'RUNTIME_HUB_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

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
 * when set, else `<dataDir>/secret.key`, created on first use with mode 0600.
 */
export function loadSecretKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): { key: Buffer; source: string } {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { key: decodeKey(fromEnv, SECRET_KEY_ENV), source: SECRET_KEY_ENV };
  const file = join(dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
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
