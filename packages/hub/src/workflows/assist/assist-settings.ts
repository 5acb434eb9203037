import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '@runtime-hub/protocol';
import type { PlaygroundKeyStore } from '../../playground/key-store.js';

/** Which model builds workflows: no secret in here — the key lives in the playground's key store. */
export interface AssistSettings {
  provider: 'openai' | 'anthropic';
  model: string;
  /** An OpenAI-compatible server (Ollama, vLLM, LM Studio…); absent: the provider's API. */
  baseUrl?: string;
  /** The name of a key in the playground key store (`PUT /api/v1/playground/keys/:name`). */
  keyName?: string;
}

/** What the LLM call gets: the settings with the key's value, which never leaves the hub. */
export interface ResolvedProvider {
  provider: 'openai' | 'anthropic';
  model: string;
  baseUrl?: string;
  apiKey: string;
}

export const HOW_TO =
  'Set a provider in any project\'s page under “Build with AI” (or PUT /api/v1/assist/settings { provider, model, baseUrl?, keyName }) and save its API key in the playground key store (PUT /api/v1/playground/keys/<keyName> { value, baseUrl? }). A local OpenAI-compatible server (Ollama: http://127.0.0.1:11434/v1) needs no key.';

/** `<data>/assist.json`: the provider settings (written atomically; the key is elsewhere, encrypted). */
export class AssistSettingsFile {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly keys: PlaygroundKeyStore,
  ) {
    this.file = join(dataDir, 'assist.json');
  }

  get(): AssistSettings | undefined {
    if (!existsSync(this.file)) return undefined;
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as AssistSettings;
    } catch {
      return undefined;
    }
  }

  put(settings: AssistSettings): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }

  /** What the UI shows: settings, key names (never values), whether a call would work, how to set one. */
  view() {
    const settings = this.get();
    let problem: string | undefined;
    try {
      this.resolve();
    } catch (error) {
      problem = (error as Error).message;
    }
    return { settings: settings ?? null, configured: problem === undefined, problem: problem ?? null, keys: this.keys.list(), howTo: HOW_TO };
  }

  /**
   * The provider with its key. A key bound to another server than the settings' base URL is
   * refused, as in the playground: nobody can point the assistant at a server to collect a key.
   */
  resolve(): ResolvedProvider {
    const settings = this.get();
    if (!settings) throw new HubError('ASSIST_NOT_CONFIGURED', `no LLM provider is set up. ${HOW_TO}`);
    if (!settings.keyName) {
      if (!settings.baseUrl) throw new HubError('ASSIST_NOT_CONFIGURED', `a key is needed for the ${settings.provider} API. ${HOW_TO}`);
      // Local servers ignore the key; the official clients insist on one.
      return { provider: settings.provider, model: settings.model, baseUrl: settings.baseUrl, apiKey: 'none' };
    }
    const key = this.keys.reveal(settings.keyName);
    if (!key) throw new HubError('ASSIST_NOT_CONFIGURED', `no key "${settings.keyName}" in the key store. ${HOW_TO}`);
    if ((key.baseUrl ?? '') !== (settings.baseUrl ?? '')) {
      throw new HubError('ASSIST_NOT_CONFIGURED', `the key "${settings.keyName}" is bound to ${key.baseUrl ?? 'the provider\'s API'}, not ${settings.baseUrl ?? 'the provider\'s API'}`);
    }
    return { provider: settings.provider, model: settings.model, ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}), apiKey: key.value };
  }
}
