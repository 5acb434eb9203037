import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** Writes generated files under `folder`; a path that would leave it is refused. */
export function writeFiles(folder: string, files: { path: string; content: string }[]): void {
  const root = resolve(folder);
  for (const file of files) {
    const target = resolve(join(root, file.path));
    if (!target.startsWith(root + sep)) throw new Error(`refusing to write outside ${root}: ${file.path}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    if (file.path.endsWith('.sh')) chmodSync(target, 0o755);
  }
}
