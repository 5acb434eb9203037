import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SecretSource } from '@runtime-hub/engine';

export interface SecretInfo {
  name: string;
  updatedAt: string;
}

/**
 * Project secrets, encrypted at rest with AES-256-GCM (random 96-bit IV per value; the
 * project and name are authenticated as associated data, so a value cannot be moved to another
 * slot). Values are decrypted only for the engine, cached per project, and never returned by
 * the API.
 */
export class SecretVault implements SecretSource {
  private readonly cache = new Map<string, Record<string, string>>();

  constructor(
    private readonly db: Database.Database,
    private readonly key: Buffer,
  ) {}

  names(project: string): SecretInfo[] {
    const rows = this.db.prepare('SELECT name, updated_at FROM secrets WHERE project = ? ORDER BY name').all(project) as { name: string; updated_at: number }[];
    return rows.map((r) => ({ name: r.name, updatedAt: new Date(r.updated_at).toISOString() }));
  }

  put(project: string, name: string, value: string, now = Date.now()): SecretInfo {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${project}/${name}`, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    this.db
      .prepare(
        `INSERT INTO secrets (project, name, iv, tag, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project, name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      )
      .run(project, name, iv, tag, ciphertext, now);
    this.cache.delete(project);
    return { name, updatedAt: new Date(now).toISOString() };
  }

  delete(project: string, name?: string): boolean {
    const result =
      name === undefined
        ? this.db.prepare('DELETE FROM secrets WHERE project = ?').run(project)
        : this.db.prepare('DELETE FROM secrets WHERE project = ? AND name = ?').run(project, name);
    this.cache.delete(project);
    return result.changes > 0;
  }

  /** Decrypted values of a project's secrets. A value that fails authentication is left out. */
  values(project: string): Record<string, string> {
    const cached = this.cache.get(project);
    if (cached) return cached;
    const rows = this.db.prepare('SELECT name, iv, tag, ciphertext FROM secrets WHERE project = ?').all(project) as {
      name: string;
      iv: Buffer;
      tag: Buffer;
      ciphertext: Buffer;
    }[];
    const values: Record<string, string> = {};
    for (const row of rows) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key, row.iv);
        decipher.setAAD(Buffer.from(`${project}/${row.name}`, 'utf8'));
        decipher.setAuthTag(row.tag);
        values[row.name] = Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
      } catch {
        // Wrong key or tampered row: the secret is unusable; expressions reading it fail clearly.
      }
    }
    this.cache.set(project, values);
    return values;
  }
}
