import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PlaygroundKeyRows, StoredPlaygroundKey } from './key-rows.js';

export interface PlaygroundKeyInfo {
  name: string;
  /** The only server this key is ever sent to; absent: the provider's official endpoint. */
  baseUrl?: string;
  updatedAt: string;
}

/**
 * The key values are encrypted with: the hub's secret key (the one workflow secrets use). Throws
 * a HubError saying what to do when this hub cannot use one (scaled mode: no key, or not the key
 * the database's secrets are encrypted with); never puts the key in a message.
 */
export type CipherKey = () => Promise<Buffer>;

/**
 * API keys of the prompt playground and AI-assisted building, encrypted at rest with AES-256-GCM
 * under the hub's secret key, in `<data>/playground-keys.json` or in PostgreSQL with `--db`
 * ({@link PlaygroundKeyRows}). Name and base URL are authenticated data, so a value cannot be moved
 * to another name or pointed at another server by editing the file or the table. Values leave
 * this class only towards the provider call; the API returns names.
 */
export class PlaygroundKeyStore {
  constructor(
    readonly rows: PlaygroundKeyRows,
    private readonly cipherKey: CipherKey,
  ) {}

  async list(): Promise<PlaygroundKeyInfo[]> {
    return (await this.rows.list()).map(info);
  }

  async put(name: string, value: string, baseUrl?: string, now = Date.now()): Promise<PlaygroundKeyInfo> {
    const row = seal(await this.cipherKey(), name, value, baseUrl, now);
    await this.rows.put(row);
    return info(row);
  }

  delete(name: string): Promise<boolean> {
    return this.rows.delete(name);
  }

  /** The key's value and the server it is bound to, or undefined (unknown, or fails authentication). */
  async reveal(name: string): Promise<{ value: string; baseUrl?: string } | undefined> {
    const stored = await this.rows.get(name);
    if (!stored) return undefined;
    const value = open(await this.cipherKey(), stored);
    return value === undefined ? undefined : { value, ...(stored.baseUrl ? { baseUrl: stored.baseUrl } : {}) };
  }

  /**
   * Copies the keys of `from` (a hub's file, on moving to `--db`) that this store lacks and that
   * this store's key can decrypt — ciphertext as it is, so the value is never in memory. Existing
   * keys are never overwritten. Answers how many were copied and how many could not be read.
   */
  async copyMissing(from: PlaygroundKeyRows): Promise<{ copied: number; unreadable: number }> {
    const rows = await from.list();
    if (rows.length === 0) return { copied: 0, unreadable: 0 };
    const key = await this.cipherKey();
    let copied = 0;
    let unreadable = 0;
    for (const row of rows) {
      if (open(key, row) === undefined) unreadable++;
      else if (await this.rows.add(row)) copied++;
    }
    return { copied, unreadable };
  }
}

const aad = (name: string, baseUrl: string | undefined) => Buffer.from(`playground/${name}\u0000${baseUrl ?? ''}`, 'utf8');

const info = (row: StoredPlaygroundKey): PlaygroundKeyInfo => ({ name: row.name, ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}), updatedAt: new Date(row.updatedAt).toISOString() });

function seal(key: Buffer, name: string, value: string, baseUrl: string | undefined, updatedAt: number): StoredPlaygroundKey {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(name, baseUrl));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { name, ...(baseUrl ? { baseUrl } : {}), iv, tag: cipher.getAuthTag(), ciphertext, updatedAt };
}

function open(key: Buffer, stored: StoredPlaygroundKey): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, stored.iv);
    decipher.setAAD(aad(stored.name, stored.baseUrl));
    decipher.setAuthTag(stored.tag);
    return Buffer.concat([decipher.update(stored.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // Another key, or a row edited by hand: the key is unusable, and says nothing about why.
    return undefined;
  }
}
