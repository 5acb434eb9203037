import type pg from 'pg';
import type { AssistSettings, AssistSettingsStore } from './assist-settings.js';

/**
 * {@link AssistSettingsStore} on PostgreSQL (`assist_settings`, one row), shared by every hub. Read
 * from the database on each use (once per assist call or settings view), so settings saved through
 * any hub are what the next request on every hub sees.
 */
export class PostgresAssistSettings implements AssistSettingsStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(): Promise<AssistSettings | undefined> {
    const { rows } = await this.pool.query<{ settings: AssistSettings }>('SELECT settings FROM assist_settings');
    return rows[0]?.settings;
  }

  async put(settings: AssistSettings): Promise<void> {
    await this.pool.query(
      'INSERT INTO assist_settings (settings, updated_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at',
      [JSON.stringify(settings), Date.now()],
    );
  }

  async add(settings: AssistSettings): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO assist_settings (settings, updated_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [JSON.stringify(settings), Date.now()]);
    return (result.rowCount ?? 0) > 0;
  }
}
