import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HubConfig } from '../config.js';
import { startTestHub } from '../testing/test-hub.js';

// Plugins are installed with each hub (docs/scaling.md): hubs behind one load balancer report one
// fingerprint of their plugin set, so a hub running other plugins, or other settings, stands out.
const PLUGIN = `export default { name: 'tagger', setup() {}, analyze() { return []; } };\n`;
const TOKEN = 'plugin-token-DO-NOT-SHOW-42';
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** What a hub whose own data folder holds `files` under plugins/ reports; the hub is closed again. */
async function hub(files: Record<string, string>, config: Partial<HubConfig> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rh-plugin-set-'));
  folders.push(dataDir);
  mkdirSync(join(dataDir, 'plugins'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dataDir, 'plugins', name), text);
  const started = await startTestHub({ dataDir, ...config });
  try {
    const get = async (path: string) => (await (await fetch(`${started.url}${path}`)).json()) as Record<string, unknown>;
    const [health, list] = [await get('/api/health'), await get('/api/v1/plugins')];
    expect(health.plugins).toBe(list.fingerprint);
    return { fingerprint: health.plugins as string, list, text: JSON.stringify([health, list]) };
  } finally {
    await started.close();
  }
}

describe('the plugin set a hub reports', () => {
  it('is the same for hubs with the same plugins and settings in their own folders, and differs otherwise', async () => {
    const settings = JSON.stringify({ tagger: { token: TOKEN } });
    const a = await hub({ 'tagger.mjs': PLUGIN, 'settings.json': settings }, { plugins: ['builtin:slow-calls'] });
    const b = await hub({ 'tagger.mjs': PLUGIN, 'settings.json': settings }, { plugins: ['builtin:slow-calls'] });
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect((a.list.plugins as { digest?: string }[]).map((p) => p.digest)).toEqual((b.list.plugins as { digest?: string }[]).map((p) => p.digest));

    const otherSettings = await hub({ 'tagger.mjs': PLUGIN, 'settings.json': JSON.stringify({ tagger: { token: 'another' } }) }, { plugins: ['builtin:slow-calls'] });
    const otherCode = await hub({ 'tagger.mjs': PLUGIN.replace('[]', '[ ]'), 'settings.json': settings }, { plugins: ['builtin:slow-calls'] });
    const missing = await hub({ 'settings.json': settings }, { plugins: ['builtin:slow-calls'] });
    const unknown = await hub({ 'tagger.mjs': PLUGIN, 'settings.json': settings }, { plugins: ['builtin:slow-calls', 'builtin:nope'] });
    const fingerprints = new Set([a, otherSettings, otherCode, missing, unknown].map((h) => h.fingerprint));
    expect(fingerprints.size).toBe(5);
    for (const h of [a, b, otherSettings]) expect(h.text).not.toContain(TOKEN);
  }, 240_000);
});
