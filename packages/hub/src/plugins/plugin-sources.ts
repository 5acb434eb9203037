import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginSource } from './plugin-host.js';

/** Plugins that ship with the hub, enabled with `--plugin builtin:<name>`. */
export const BUILTIN_PLUGINS = ['n-plus-one', 'slow-calls'] as const;

/** A plugin that could not even be located: listed as disabled with the reason. */
export interface PluginSourceProblem {
  source: string;
  error: string;
}

/** The short name settings are keyed by: the built-in's name, the package name, the file's base name. */
export function settingsKey(source: string): string {
  if (source.startsWith('builtin:')) return source.slice('builtin:'.length);
  if (source.startsWith('.') || isAbsolute(source)) return basename(source, extname(source));
  return source;
}

function builtinUrl(name: string): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(`./builtin/${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
}

function readSettings(dir: string): { settings: Record<string, Record<string, unknown>>; problem?: string } {
  const file = join(dir, 'settings.json');
  if (!existsSync(file)) return { settings: {} };
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected an object keyed by plugin name');
    return { settings: parsed as Record<string, Record<string, unknown>> };
  } catch (error) {
    return { settings: {}, problem: `${file}: ${(error as Error).message}; plugins start without settings` };
  }
}

/**
 * The plugins to load: those named in the configuration (`--plugin`: `builtin:<name>`, a file
 * path, or an installed package name, resolved from the working directory) and every `*.js` /
 * `*.mjs` file in `<data>/plugins/`. Settings come from `<data>/plugins/settings.json`.
 */
export function findPluginSources(named: readonly string[], dataDir: string, cwd = process.cwd()): { sources: PluginSource[]; problems: PluginSourceProblem[] } {
  const dir = join(dataDir, 'plugins');
  const { settings, problem } = readSettings(dir);
  const sources: PluginSource[] = [];
  const problems: PluginSourceProblem[] = problem ? [{ source: join(dir, 'settings.json'), error: problem }] : [];
  const add = (source: string, url: string) => sources.push({ source, url, settings: settings[settingsKey(source)] ?? {} });

  for (const source of named) {
    if (source.startsWith('builtin:')) {
      const name = source.slice('builtin:'.length);
      if ((BUILTIN_PLUGINS as readonly string[]).includes(name)) add(source, builtinUrl(name));
      else problems.push({ source, error: `no built-in plugin "${name}" (built-ins: ${BUILTIN_PLUGINS.join(', ')})` });
    } else if (source.startsWith('.') || isAbsolute(source)) {
      const path = resolve(cwd, source);
      if (existsSync(path)) add(source, pathToFileURL(path).href);
      else problems.push({ source, error: `file not found: ${path}` });
    } else {
      try {
        add(source, pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(source)).href);
      } catch (error) {
        problems.push({ source, error: `package not found from ${cwd}: ${(error as Error).message.split('\n')[0]}` });
      }
    }
  }
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.js') || file.endsWith('.mjs')) add(join(dir, file), pathToFileURL(join(dir, file)).href);
    }
  }
  return { sources, problems };
}
