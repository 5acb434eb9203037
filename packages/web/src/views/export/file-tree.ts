/** The files of an export as a tree of folders (folders first, then files, each by name). */

export interface TreeFolder {
  kind: 'folder';
  name: string;
  path: string;
  children: TreeNode[];
}
export interface TreeFile {
  kind: 'file';
  name: string;
  path: string;
  bytes: number;
}
export type TreeNode = TreeFolder | TreeFile;

export function buildTree(files: { path: string; bytes: number }[]): TreeFolder {
  const root: TreeFolder = { kind: 'folder', name: '', path: '', children: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    let folder = root;
    parts.slice(0, -1).forEach((name, i) => {
      const path = parts.slice(0, i + 1).join('/');
      let next = folder.children.find((c): c is TreeFolder => c.kind === 'folder' && c.name === name);
      if (!next) {
        next = { kind: 'folder', name, path, children: [] };
        folder.children.push(next);
      }
      folder = next;
    });
    folder.children.push({ kind: 'file', name: parts[parts.length - 1] ?? file.path, path: file.path, bytes: file.bytes });
  }
  const sort = (folder: TreeFolder): void => {
    folder.children.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'folder' ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of folder.children) if (child.kind === 'folder') sort(child);
  };
  sort(root);
  return root;
}

/** The syntax a file is highlighted with, by its name. */
export function languageOf(path: string): 'python' | 'typescript' | 'javascript' | 'json' | 'text' {
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.ts')) return 'typescript';
  if (path.endsWith('.js') || path.endsWith('.mjs')) return 'javascript';
  if (path.endsWith('.json')) return 'json';
  return 'text';
}

/** The file shown first: the app's entry point. */
export function entryFile(paths: string[]): string | undefined {
  return ['main.py', 'src/server.ts', 'README.md'].find((p) => paths.includes(p)) ?? paths[0];
}
