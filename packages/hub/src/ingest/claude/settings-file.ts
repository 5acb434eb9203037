import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { countOurHooks, installHooks, removeHooks, type HookHandler } from './settings-merge.js';

export class SettingsFileError extends Error {}

/** `--project DIR` → DIR/.claude/settings.json; otherwise the user's ~/.claude/settings.json. */
export function settingsPath(options: { project?: string; settings?: string }): string {
  if (options.settings) return resolve(options.settings);
  if (options.project) return join(resolve(options.project), '.claude', 'settings.json');
  return join(homedir(), '.claude', 'settings.json');
}

function read(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsFileError(`${path} is not valid JSON (${(error as Error).message}); fix it first, it was left unchanged`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SettingsFileError(`${path} must hold a JSON object; it was left unchanged`);
  }
  return value as Record<string, unknown>;
}

function write(path: string, settings: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.runtime-hub-${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(temp, path);
}

/** Installs our handler; returns how many hook entries are ours afterwards. */
export function installIntoFile(path: string, handler: HookHandler): number {
  const next = installHooks(read(path), handler);
  write(path, next);
  return countOurHooks(next);
}

/** Removes our handlers; returns how many were removed (0 leaves the file untouched). */
export function uninstallFromFile(path: string): number {
  if (!existsSync(path)) return 0;
  const current = read(path);
  const removed = countOurHooks(current);
  if (removed > 0) write(path, removeHooks(current));
  return removed;
}
