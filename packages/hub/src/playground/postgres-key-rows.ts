import type pg from 'pg';
import type { PlaygroundKeyRows, StoredPlaygroundKey } from './key-rows.js';

type Row = { name: string; base_url: string | null; iv: Buffer; tag: Buffer; ciphertext: Buffer; updated_at: number };

const COLUMNS = 'name, base_url, iv, tag, ciphertext, updated_at';
const fromRow = (r: Row): StoredPlaygroundKey => ({ name: r.name, ...(r.base_url ? { baseUrl: r.base_url } : {}), iv: r.iv, tag: r.tag, ciphertext: r.ciphertext, updatedAt: r.updated_at });
const params = (k: StoredPlaygroundKey) => [k.name, k.baseUrl ?? null, k.iv, k.tag, k.ciphertext, k.updatedAt];

/**
 * {@link PlaygroundKeyRows} on PostgreSQL (`playground_keys`), shared by every hub. Every read goes
 * to the database (a key is read once per playground run or assist call, never in a hot path), so
 * a key saved or deleted through one hub is what the next request on any hub sees — no copy to
 * keep fresh, unlike the workflow secrets the engine reads synchronously.
 */
export class PostgresPlaygroundKeyRows implements PlaygroundKeyRows {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<StoredPlaygroundKey[]> {
    // COLLATE "C" would sort by bytes; the file store sorts with localeCompare: sort here, as it does.
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM playground_keys`);
    return rows.map(fromRow).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<StoredPlaygroundKey | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM playground_keys WHERE name = $1`, [name]);
    return rows[0] && fromRow(rows[0]);
  }

  async put(row: StoredPlaygroundKey): Promise<void> {
    await this.pool.query(
      `INSERT INTO playground_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET base_url = excluded.base_url, iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      params(row),
    );
  }

  async add(row: StoredPlaygroundKey): Promise<boolean> {
    const result = await this.pool.query(`INSERT INTO playground_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING`, params(row));
    return (result.rowCount ?? 0) > 0;
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM playground_keys WHERE name = $1', [name]);
    return (result.rowCount ?? 0) > 0;
  }
}
