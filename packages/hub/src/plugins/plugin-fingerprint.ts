import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PluginSource } from './plugin-host.js';
import { settingsKey, type PluginSourceProblem } from './plugin-sources.js';

const short = (hash: ReturnType<typeof createHash>) => hash.digest('hex').slice(0, 16);

/**
 * What one plugin is on this hub: its module's bytes and its settings, hashed (neither is shown,
 * and settings may hold a plugin's token). Two hubs loading the same file with the same settings
 * give the same digest; an edited module or setting gives another.
 */
export function pluginDigest(source: PluginSource): string {
  const hash = createHash('sha256');
  try {
    hash.update(readFileSync(fileURLToPath(source.url)));
  } catch {
    hash.update(`unreadable ${source.url}`);
  }
  return short(hash.update('\u0000').update(JSON.stringify(source.settings)));
}

/**
 * Plugins are installed with each hub, like its configuration (docs/scaling.md): one value for the
 * whole set, so hubs behind a load balancer that run different plugins — or one that could not
 * load a plugin the others run — show it in `/api/health` and `GET /api/v1/plugins`.
 */
export function pluginSetFingerprint(loaded: readonly { source: string; digest: string }[], problems: readonly PluginSourceProblem[]): string {
  // By the short name (a file's base name): the same plugin in two hubs' own folders is the same plugin.
  const lines = [...loaded.map((p) => `${settingsKey(p.source)}\u0000${p.digest}`), ...problems.map((p) => `${settingsKey(p.source)}\u0000not loaded`)].sort();
  return short(createHash('sha256').update(lines.join('\n')));
}
