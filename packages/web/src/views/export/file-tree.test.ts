import { describe, expect, it } from 'vitest';
import { buildTree, entryFile, languageOf } from './file-tree';

describe('the export file tree', () => {
  it('nests folders, folders first, names sorted', () => {
    const tree = buildTree([
      { path: 'main.py', bytes: 10 },
      { path: 'runtime/expr.py', bytes: 5 },
      { path: 'Dockerfile', bytes: 3 },
      { path: 'runtime/app.py', bytes: 4 },
      { path: 'workflows/__init__.py', bytes: 1 },
    ]);
    expect(tree.children.map((c) => `${c.kind}:${c.path}`)).toEqual(['folder:runtime', 'folder:workflows', 'file:Dockerfile', 'file:main.py']);
    const runtime = tree.children[0];
    expect(runtime?.kind === 'folder' && runtime.children.map((c) => c.name)).toEqual(['app.py', 'expr.py']);
  });

  it('picks the highlighting by extension and the entry point to show first', () => {
    expect(['a.py', 'b.ts', 'c.js', 'd.json', 'Dockerfile'].map(languageOf)).toEqual(['python', 'typescript', 'javascript', 'json', 'text']);
    expect(entryFile(['Dockerfile', 'main.py'])).toBe('main.py');
    expect(entryFile(['package.json', 'src/server.ts'])).toBe('src/server.ts');
  });
});
