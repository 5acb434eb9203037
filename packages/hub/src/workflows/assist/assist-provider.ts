import { HubError } from '@runtime-hub/protocol';
import type { PlaygroundKeyStore } from '../../playground/key-store.js';
import type { AssistSettings, AssistSettingsStore } from './assist-settings.js';

/** What the LLM call gets: the settings with the key's value, which never leaves the hub. */
export interface ResolvedProvider {
  provider: 'openai' | 'anthropic';
  model: string;
  baseUrl?: string;
  apiKey: string;
}

export const HOW_TO =
  'Set a provider in any project\'s page under “Build with AI” (or PUT /api/v1/assist/settings { provider, model, baseUrl?, keyName }) and save its API key in the playground key store (PUT /api/v1/playground/keys/<keyName> { value, baseUrl? }). A local OpenAI-compatible server (Ollama: http://127.0.0.1:11434/v1) needs no key.';

/** The provider of AI-assisted building: its settings, and its key from the playground key store. */
export class AssistProvider {
  constructor(
    readonly settings: AssistSettingsStore,
    private readonly keys: PlaygroundKeyStore,
  ) {}

  async put(settings: AssistSettings): Promise<void> {
    await this.settings.put(settings);
  }

  /** What the UI shows: settings, key names (never values), whether a call would work, how to set one. */
  async view() {
    const settings = await this.settings.get();
    let problem: string | undefined;
    try {
      await this.resolve();
    } catch (error) {
      problem = (error as Error).message;
    }
    return { settings: settings ?? null, configured: problem === undefined, problem: problem ?? null, keys: await this.keys.list(), howTo: HOW_TO };
  }

  /**
   * The provider with its key. A key bound to another server than the settings' base URL is
   * refused, as in the playground: nobody can point the assistant at a server to collect a key.
   */
  async resolve(): Promise<ResolvedProvider> {
    const settings = await this.settings.get();
    if (!settings) throw new HubError('ASSIST_NOT_CONFIGURED', `no LLM provider is set up. ${HOW_TO}`);
    if (!settings.keyName) {
      if (!settings.baseUrl) throw new HubError('ASSIST_NOT_CONFIGURED', `a key is needed for the ${settings.provider} API. ${HOW_TO}`);
      // Local servers ignore the key; the official clients insist on one.
      return { provider: settings.provider, model: settings.model, baseUrl: settings.baseUrl, apiKey: 'none' };
    }
    const key = await this.keys.reveal(settings.keyName);
    if (!key) throw new HubError('ASSIST_NOT_CONFIGURED', `no key "${settings.keyName}" in the key store. ${HOW_TO}`);
    if ((key.baseUrl ?? '') !== (settings.baseUrl ?? '')) {
      throw new HubError('ASSIST_NOT_CONFIGURED', `the key "${settings.keyName}" is bound to ${key.baseUrl ?? 'the provider\'s API'}, not ${settings.baseUrl ?? 'the provider\'s API'}`);
    }
    return { provider: settings.provider, model: settings.model, ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}), apiKey: key.value };
  }
}
