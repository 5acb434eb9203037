import type Database from 'better-sqlite3';

/** One encrypted secret as stored: AES-256-GCM ciphertext, its IV and tag (secret-vault.ts). */
export interface SecretRow {
  name: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  updatedAt: number;
}

/**
 * Where the vault keeps its encrypted rows: `workflows.sqlite` (embedded), or PostgreSQL shared by
 * every hub and worker (`postgres-secret-rows.ts`). Reads are synchronous (the engine asks for a
 * project's secrets while it evaluates expressions); both pass `secret-cases.ts`.
 */
export interface SecretRows {
  /** A project's rows, sorted by name; the same array until they change (the vault caches by it). */
  list(project: string): readonly SecretRow[];
  put(project: string, row: SecretRow): Promise<void>;
  /** One secret, or all of a project's; whether any was there. */
  delete(project: string, name?: string): Promise<boolean>;
  /** Reads the project's rows again where other processes write them too. */
  refresh(project: string): Promise<void>;
}

/** {@link SecretRows} in the run store's SQLite database (the `secrets` table of store/schema.ts). */
export class SqliteSecretRows implements SecretRows {
  private readonly cache = new Map<string, readonly SecretRow[]>();

  constructor(private readonly db: Database.Database) {}

  list(project: string): readonly SecretRow[] {
    let rows = this.cache.get(project);
    if (!rows) {
      const stored = this.db.prepare('SELECT name, iv, tag, ciphertext, updated_at FROM secrets WHERE project = ? ORDER BY name').all(project) as {
        name: string;
        iv: Buffer;
        tag: Buffer;
        ciphertext: Buffer;
        updated_at: number;
      }[];
      rows = stored.map((r) => ({ name: r.name, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext, updatedAt: r.updated_at }));
      this.cache.set(project, rows);
    }
    return rows;
  }

  put(project: string, row: SecretRow): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO secrets (project, name, iv, tag, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project, name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      )
      .run(project, row.name, row.iv, row.tag, row.ciphertext, row.updatedAt);
    this.cache.delete(project);
    return Promise.resolve();
  }

  delete(project: string, name?: string): Promise<boolean> {
    const result =
      name === undefined
        ? this.db.prepare('DELETE FROM secrets WHERE project = ?').run(project)
        : this.db.prepare('DELETE FROM secrets WHERE project = ? AND name = ?').run(project, name);
    this.cache.delete(project);
    return Promise.resolve(result.changes > 0);
  }

  /** Another process on the same file (a worker sharing the data folder) may have written. */
  refresh(project: string): Promise<void> {
    this.cache.delete(project);
    return Promise.resolve();
  }
}
