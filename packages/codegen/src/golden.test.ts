import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportProject } from './index.js';
import type { ExportLanguage } from './index.js';
import { engineModules } from './templates.js';
import { FIXTURE_PROJECT, FIXTURE_SECRETS, FIXTURE_WORKFLOWS } from './testing/fixture-project.js';

/**
 * Golden files (Fastify's practice): the fixture project's export, byte for byte, is kept in
 * packages/codegen/golden/<language>/. A change to the generator shows as a diff of these files.
 * Regenerate after an intended change: UPDATE_GOLDEN=1 npx vitest run packages/codegen/src/golden.test.ts
 * The engine modules a TypeScript app embeds are compared with the engine's build instead.
 */
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

function generate(language: ExportLanguage) {
  return exportProject({ project: FIXTURE_PROJECT, workflows: FIXTURE_WORKFLOWS, secretNames: FIXTURE_SECRETS, language, generator: 'golden' }).files;
}

function listFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

describe.each(['python', 'typescript'] as const)('the %s export of the fixture project', (language) => {
  const files = generate(language);
  const own = files.filter((f) => !f.path.startsWith('src/engine/'));
  const folder = join(GOLDEN, language);

  if (process.env.UPDATE_GOLDEN) {
    rmSync(folder, { recursive: true, force: true });
    for (const file of own) {
      mkdirSync(dirname(join(folder, file.path)), { recursive: true });
      writeFileSync(join(folder, file.path), file.content);
    }
  }

  it('has exactly the golden files', () => {
    expect(own.map((f) => f.path).sort()).toEqual(listFiles(folder));
  });

  for (const file of own) {
    it(`${file.path} equals its golden file`, () => {
      expect(file.content).toBe(readFileSync(join(folder, file.path), 'utf8'));
    });
  }

  if (language === 'typescript') {
    it("embeds the engine's own modules, unchanged", () => {
      const embedded = files.filter((f) => f.path.startsWith('src/engine/'));
      expect(embedded.map((f) => f.path.slice('src/engine/'.length)).sort()).toEqual([...engineModules().keys()].sort());
      for (const file of embedded) expect(file.content).toBe(engineModules().get(file.path.slice('src/engine/'.length)));
    });
  }
});
