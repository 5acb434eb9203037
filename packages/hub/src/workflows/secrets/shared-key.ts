import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { SECRET_KEY_ENV, SECRET_KEY_FILE_ENV, SecretKeyError } from './secret-key.js';

/** Names the key without revealing it: an HMAC of a constant under the key. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('runtime-hub secret key check').digest('hex');
}

const HOW = `give every hub and worker the same key: ${SECRET_KEY_ENV} (base64 or hex), ${SECRET_KEY_FILE_ENV} or --secret-key-file (a file holding it)`;

/** The fingerprint of the key the database's secrets are encrypted with, if one was recorded. */
export async function storedFingerprint(pool: pg.Pool): Promise<string | undefined> {
  return (await pool.query<{ fingerprint: string }>('SELECT fingerprint FROM wf_secret_key')).rows[0]?.fingerprint;
}

/**
 * Scaled mode: every process reads and writes the same `wf_secrets`, so all must hold the same
 * key. The first process with a key records its fingerprint; one with another key refuses to
 * start, and so does one without a key while secrets exist — rather than store secrets nobody else
 * can read, or run workflows whose secrets it cannot decrypt. Without a key and without secrets it
 * starts, and stores no secret until it is given the key. The key itself is never logged nor stored.
 */
export async function checkSharedKey(pool: pg.Pool, key: { key: Buffer; source: string } | undefined, role: 'hub' | 'worker'): Promise<void> {
  if (!key) {
    const { rows } = await pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM wf_secrets');
    if ((rows[0]?.n ?? 0) > 0) throw new SecretKeyError(`the database holds workflow secrets and this ${role} has no secret key: ${HOW}`);
    return;
  }
  const mine = keyFingerprint(key.key);
  await pool.query('INSERT INTO wf_secret_key (fingerprint) VALUES ($1) ON CONFLICT DO NOTHING', [mine]);
  if ((await storedFingerprint(pool)) !== mine) {
    throw new SecretKeyError(`the secret key from ${key.source} is not the key the database's secrets are encrypted with: ${HOW}`);
  }
}
