import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders never searched or watched: dependency trees and git internals hold no transcripts. */
const IGNORED_FOLDER = /^(node_modules|\.git)$/;
/** A path inside one of those folders (for chokidar's `ignored`). */
export const IGNORED_PATH = /[\\/](node_modules|\.git)([\\/]|$)/;

/**
 * Every `*.jsonl` file under the given roots (folders searched recursively, or single files).
 *
 * The watcher's safety net for files whose "add" event never came: a file written into a folder
 * created a moment before can land before the file-system watch on that folder is in place (Claude
 * Code creates `<session>/subagents/` and its first transcript at once), and an exhausted inotify
 * limit stops events altogether. Unreadable folders are skipped: the sweep runs again.
 */
export async function jsonlFilesUnder(roots: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_FOLDER.test(entry.name)) await walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.jsonl')) found.push(path);
    }
  };
  for (const root of roots) {
    const info = await stat(root).catch(() => undefined);
    if (info?.isDirectory()) await walk(root);
    else if (info?.isFile() && root.endsWith('.jsonl')) found.push(root);
  }
  return found;
}
