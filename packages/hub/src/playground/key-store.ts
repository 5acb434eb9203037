import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSecretKey } from '../workflows/secrets/secret-key.js';

export interface PlaygroundKeyInfo {
  name: string;
  /** The only server this key is ever sent to; absent: the provider's official endpoint. */
  baseUrl?: string;
  updatedAt: string;
}

interface StoredKey {
  baseUrl?: string;
  iv: string;
  tag: string;
  ciphertext: string;
  updatedAt: string;
}

/**
 * API keys of the prompt playground, encrypted at rest with AES-256-GCM under the hub's secret key
 * (the one workflow secrets use: RUNTIME_HUB_SECRET_KEY or <data>/secret.key) in their own file,
 * <data>/playground-keys.json (mode 0600). Name and base URL are authenticated data, so a value
 * cannot be moved to another name or pointed at another server by editing the file. Values leave
 * this class only towards the provider call; the API returns names.
 */
export class PlaygroundKeyStore {
  private readonly file: string;
  private key: Buffer | undefined;

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, 'playground-keys.json');
  }

  list(): PlaygroundKeyInfo[] {
    return Object.entries(this.read())
      .map(([name, k]) => ({ name, ...(k.baseUrl ? { baseUrl: k.baseUrl } : {}), updatedAt: k.updatedAt }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  put(name: string, value: string, baseUrl?: string): PlaygroundKeyInfo {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.secretKey(), iv);
    cipher.setAAD(aad(name, baseUrl));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const updatedAt = new Date().toISOString();
    const all = this.read();
    all[name] = { ...(baseUrl ? { baseUrl } : {}), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64'), updatedAt };
    this.write(all);
    return { name, ...(baseUrl ? { baseUrl } : {}), updatedAt };
  }

  delete(name: string): boolean {
    const all = this.read();
    if (!Object.hasOwn(all, name)) return false;
    delete all[name];
    this.write(all);
    return true;
  }

  /** The key's value and the server it is bound to, or undefined (unknown, or fails authentication). */
  reveal(name: string): { value: string; baseUrl?: string } | undefined {
    const all = this.read();
    if (!Object.hasOwn(all, name)) return undefined;
    const stored = all[name]!;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.secretKey(), Buffer.from(stored.iv, 'base64'));
      decipher.setAAD(aad(name, stored.baseUrl));
      decipher.setAuthTag(Buffer.from(stored.tag, 'base64'));
      const value = Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, 'base64')), decipher.final()]).toString('utf8');
      return { value, ...(stored.baseUrl ? { baseUrl: stored.baseUrl } : {}) };
    } catch {
      return undefined;
    }
  }

  private secretKey(): Buffer {
    this.key ??= loadSecretKey(this.dataDir).key;
    return this.key;
  }

  private read(): Record<string, StoredKey> {
    if (!existsSync(this.file)) return {};
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, StoredKey>) : {};
  }

  private write(all: Record<string, StoredKey>): void {
    // Write-then-rename: a crash leaves the old file or the new one, never half of one.
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(all, null, 1)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    chmodSync(this.file, 0o600);
  }
}

const aad = (name: string, baseUrl: string | undefined) => Buffer.from(`playground/${name}\u0000${baseUrl ?? ''}`, 'utf8');
