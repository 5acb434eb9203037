import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findPluginSources, settingsKey } from './plugin-sources.js';

describe('findPluginSources', () => {
  const dirs: string[] = [];
  const temp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-plugin-src-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('resolves an installed package from the working directory, files in <data>/plugins, and their settings by short name', () => {
    const cwd = temp();
    mkdirSync(join(cwd, 'node_modules', 'hub-plugin-x'), { recursive: true });
    writeFileSync(join(cwd, 'node_modules', 'hub-plugin-x', 'package.json'), JSON.stringify({ name: 'hub-plugin-x', main: 'main.js' }));
    writeFileSync(join(cwd, 'node_modules', 'hub-plugin-x', 'main.js'), 'module.exports = {};');
    const data = temp();
    mkdirSync(join(data, 'plugins'));
    writeFileSync(join(data, 'plugins', 'b.mjs'), '');
    writeFileSync(join(data, 'plugins', 'a.js'), '');
    writeFileSync(join(data, 'plugins', 'notes.txt'), '');
    writeFileSync(join(data, 'plugins', 'settings.json'), JSON.stringify({ 'hub-plugin-x': { level: 2 }, a: { on: true } }));

    const { sources, problems } = findPluginSources(['hub-plugin-x', 'not-installed'], data, cwd);
    expect(sources.map((s) => [s.url, s.settings])).toEqual([
      [pathToFileURL(join(cwd, 'node_modules', 'hub-plugin-x', 'main.js')).href, { level: 2 }],
      [pathToFileURL(join(data, 'plugins', 'a.js')).href, { on: true }],
      [pathToFileURL(join(data, 'plugins', 'b.mjs')).href, {}],
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.source).toBe('not-installed');
    expect(problems[0]!.error).toMatch(/^package not found from /);
  });

  it('names a settings file that is not an object, and goes on without settings', () => {
    const data = temp();
    mkdirSync(join(data, 'plugins'));
    writeFileSync(join(data, 'plugins', 'settings.json'), '[1, 2]');
    const { sources, problems } = findPluginSources(['builtin:n-plus-one'], data);
    expect(sources[0]!.settings).toEqual({});
    expect(problems[0]!.error).toContain('settings.json: expected an object keyed by plugin name');
  });

  it('keys settings by the built-in name, the package name or the file base name', () => {
    expect(settingsKey('builtin:slow-calls')).toBe('slow-calls');
    expect(settingsKey('@acme/hub-plugin')).toBe('@acme/hub-plugin');
    expect(settingsKey('./plugins/my-check.mjs')).toBe('my-check');
    expect(settingsKey('/opt/p/other.js')).toBe('other');
  });
});
