import { afterEach, describe, expect, it } from 'vitest';
import type { AssistSettingsStore } from './assist-settings.js';

/** Two hubs' views of one place holding the AI-assist settings. */
export interface AssistSettingsFixture {
  settings: AssistSettingsStore;
  second: AssistSettingsStore;
  close(): Promise<void>;
}

/** The cases every {@link AssistSettingsStore} passes (the file and PostgreSQL, assist-settings.test.ts). */
export function assistSettingsCases(name: string, open: () => Promise<AssistSettingsFixture>): void {
  describe(`AI-assist settings (${name})`, { timeout: 60_000 }, () => {
    let fixture: AssistSettingsFixture | undefined;
    const start = async () => (fixture = await open());
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    it('has none at first, keeps what was put, and replaces it', async () => {
      const { settings } = await start();
      expect(await settings.get()).toBeUndefined();
      await settings.put({ provider: 'openai', model: 'gpt-4o-mini', keyName: 'openai' });
      expect(await settings.get()).toEqual({ provider: 'openai', model: 'gpt-4o-mini', keyName: 'openai' });
      await settings.put({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
      expect(await settings.get()).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    });

    it('adds settings only where none are saved', async () => {
      const { settings } = await start();
      expect(await settings.add({ provider: 'openai', model: 'first', baseUrl: 'http://127.0.0.1:11434/v1' })).toBe(true);
      expect(await settings.add({ provider: 'openai', model: 'second' })).toBe(false);
      expect(await settings.get()).toEqual({ provider: 'openai', model: 'first', baseUrl: 'http://127.0.0.1:11434/v1' });
    });

    it('shows another hub the settings one saved, on its next read', async () => {
      const { settings, second } = await start();
      await settings.put({ provider: 'openai', model: 'm1', keyName: 'k' });
      expect(await second.get()).toEqual({ provider: 'openai', model: 'm1', keyName: 'k' });
      await second.put({ provider: 'openai', model: 'm2', keyName: 'k' });
      expect((await settings.get())?.model).toBe('m2');
    });
  });
}
