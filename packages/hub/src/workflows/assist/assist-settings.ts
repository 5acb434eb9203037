import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Which model builds workflows: no secret in here — the key lives in the playground's key store. */
export interface AssistSettings {
  provider: 'openai' | 'anthropic';
  model: string;
  /** An OpenAI-compatible server (Ollama, vLLM, LM Studio…); absent: the provider's API. */
  baseUrl?: string;
  /** The name of a key in the playground key store (`PUT /api/v1/playground/keys/:name`). */
  keyName?: string;
}

/**
 * Where the settings live: `<data>/assist.json` of one hub, or PostgreSQL shared by every hub with
 * `--db` (`postgres-assist-settings.ts`); both pass `assist-settings-cases.ts`. They hold a key's
 * name, never a key.
 */
export interface AssistSettingsStore {
  get(): Promise<AssistSettings | undefined>;
  put(settings: AssistSettings): Promise<void>;
  /** Saves the settings only if none are saved; whether it did (copying a hub's file never overwrites). */
  add(settings: AssistSettings): Promise<boolean>;
}

/** {@link AssistSettingsStore} in `<data>/assist.json`, written atomically. */
export class FileAssistSettings implements AssistSettingsStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'assist.json');
  }

  /** Only the settings' own fields: whatever else a hand-edited file holds is never shown nor copied. */
  get(): Promise<AssistSettings | undefined> {
    if (!existsSync(this.file)) return Promise.resolve(undefined);
    try {
      const { provider, model, baseUrl, keyName } = JSON.parse(readFileSync(this.file, 'utf8')) as AssistSettings;
      return Promise.resolve({ provider, model, ...(baseUrl ? { baseUrl } : {}), ...(keyName ? { keyName } : {}) });
    } catch {
      return Promise.resolve(undefined);
    }
  }

  put(settings: AssistSettings): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    return Promise.resolve();
  }

  async add(settings: AssistSettings): Promise<boolean> {
    if ((await this.get()) !== undefined) return false;
    await this.put(settings);
    return true;
  }
}
