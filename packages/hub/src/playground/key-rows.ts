import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One playground key as stored: AES-256-GCM ciphertext, its IV and tag (key-store.ts encrypts). */
export interface StoredPlaygroundKey {
  name: string;
  /** The only server the key is ever sent to; absent: the provider's official endpoint. */
  baseUrl?: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  updatedAt: number;
}

/**
 * Where the playground's encrypted keys live: `<data>/playground-keys.json` of one hub, or
 * PostgreSQL shared by every hub with `--db` (`postgres-key-rows.ts`). Both pass
 * `key-rows-cases.ts`. Rows hold ciphertext only; nothing here ever sees a key's value.
 */
export interface PlaygroundKeyRows {
  /** Every key, sorted by name. */
  list(): Promise<StoredPlaygroundKey[]>;
  get(name: string): Promise<StoredPlaygroundKey | undefined>;
  /** Saves the key, replacing one of the same name. */
  put(row: StoredPlaygroundKey): Promise<void>;
  /** Saves the key only if no key has its name; whether it did (copying a hub's keys never overwrites). */
  add(row: StoredPlaygroundKey): Promise<boolean>;
  delete(name: string): Promise<boolean>;
}

/** The file's format (unchanged since the file came first): base64 parts, an ISO time. */
interface FileEntry {
  baseUrl?: string;
  iv: string;
  tag: string;
  ciphertext: string;
  updatedAt: string;
}

/** {@link PlaygroundKeyRows} in `<data>/playground-keys.json` (mode 0600), written atomically. */
export class FilePlaygroundKeyRows implements PlaygroundKeyRows {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'playground-keys.json');
  }

  list(): Promise<StoredPlaygroundKey[]> {
    const rows = Object.entries(this.read()).map(([name, entry]) => fromEntry(name, entry));
    return Promise.resolve(rows.sort((a, b) => a.name.localeCompare(b.name)));
  }

  get(name: string): Promise<StoredPlaygroundKey | undefined> {
    const all = this.read();
    return Promise.resolve(Object.hasOwn(all, name) ? fromEntry(name, all[name]!) : undefined);
  }

  put(row: StoredPlaygroundKey): Promise<void> {
    const all = this.read();
    all[row.name] = toEntry(row);
    this.write(all);
    return Promise.resolve();
  }

  add(row: StoredPlaygroundKey): Promise<boolean> {
    const all = this.read();
    if (Object.hasOwn(all, row.name)) return Promise.resolve(false);
    all[row.name] = toEntry(row);
    this.write(all);
    return Promise.resolve(true);
  }

  delete(name: string): Promise<boolean> {
    const all = this.read();
    if (!Object.hasOwn(all, name)) return Promise.resolve(false);
    delete all[name];
    this.write(all);
    return Promise.resolve(true);
  }

  private read(): Record<string, FileEntry> {
    if (!existsSync(this.file)) return {};
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, FileEntry>) : {};
  }

  private write(all: Record<string, FileEntry>): void {
    // Write-then-rename: a crash leaves the old file or the new one, never half of one.
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(all, null, 1)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    chmodSync(this.file, 0o600);
  }
}

const fromEntry = (name: string, e: FileEntry): StoredPlaygroundKey => ({
  name,
  ...(e.baseUrl ? { baseUrl: e.baseUrl } : {}),
  iv: Buffer.from(e.iv, 'base64'),
  tag: Buffer.from(e.tag, 'base64'),
  ciphertext: Buffer.from(e.ciphertext, 'base64'),
  updatedAt: Date.parse(e.updatedAt),
});

const toEntry = (row: StoredPlaygroundKey): FileEntry => ({
  ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}),
  iv: row.iv.toString('base64'),
  tag: row.tag.toString('base64'),
  ciphertext: row.ciphertext.toString('base64'),
  updatedAt: new Date(row.updatedAt).toISOString(),
});
