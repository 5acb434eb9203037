import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretSource } from '@runtime-hub/engine';
import { HubError } from '@runtime-hub/protocol';
import type { SecretRow, SecretRows } from './secret-rows.js';

export interface SecretInfo {
  name: string;
  updatedAt: string;
}

/**
 * Project secrets, encrypted at rest with AES-256-GCM (random 96-bit IV per value; the
 * project and name are authenticated as associated data, so a value cannot be moved to another
 * slot). Values are decrypted only for the engine, cached per project, and never returned by
 * the API. The rows live in `workflows.sqlite` or, in scaled mode, PostgreSQL (secret-rows.ts);
 * a worker started without the key (none is needed while no secret exists) decrypts nothing.
 */
export class SecretVault implements SecretSource {
  private readonly cache = new Map<string, { rows: readonly SecretRow[]; values: Record<string, string> }>();

  constructor(
    private readonly rows: SecretRows,
    private readonly key: Buffer | undefined,
  ) {}

  names(project: string): SecretInfo[] {
    return this.rows.list(project).map((r) => ({ name: r.name, updatedAt: new Date(r.updatedAt).toISOString() }));
  }

  async put(project: string, name: string, value: string, now = Date.now()): Promise<SecretInfo> {
    if (!this.key) throw new HubError('INVALID_REQUEST', 'this hub was started without the secret key the other hubs use, so it stores no secret: give it RUNTIME_HUB_SECRET_KEY or RUNTIME_HUB_SECRET_KEY_FILE (docs/scaling.md, The secret key)');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${project}/${name}`, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    await this.rows.put(project, { name, iv, tag: cipher.getAuthTag(), ciphertext, updatedAt: now });
    return { name, updatedAt: new Date(now).toISOString() };
  }

  delete(project: string, name?: string): Promise<boolean> {
    return this.rows.delete(project, name);
  }

  /** Reads a project's secrets again where other processes write them (before a worker drives a run). */
  refresh(project: string): Promise<void> {
    return this.rows.refresh(project);
  }

  /** Decrypted values of a project's secrets. A value that fails authentication is left out. */
  values(project: string): Record<string, string> {
    const rows = this.rows.list(project);
    const cached = this.cache.get(project);
    if (cached?.rows === rows) return cached.values;
    const values: Record<string, string> = {};
    for (const row of this.key ? rows : []) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key!, row.iv);
        decipher.setAAD(Buffer.from(`${project}/${row.name}`, 'utf8'));
        decipher.setAuthTag(row.tag);
        values[row.name] = Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
      } catch {
        // Wrong key or tampered row: the secret is unusable; expressions reading it fail clearly.
      }
    }
    this.cache.set(project, { rows, values });
    return values;
  }
}
