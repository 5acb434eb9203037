import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The files every export copies as they are: the Python runtime (templates/python/runtime), the
 * TypeScript runtime (templates/typescript/runtime) and, for TypeScript, the engine's own pure
 * modules (expressions, the run state machine, config fields) from @runtime-hub/engine's build,
 * so a TypeScript app evaluates expressions with the hub's evaluator itself. Read once.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

function readFolder(folder: string, extension: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(folder).filter((n) => n.endsWith(extension)).sort()) {
    files.set(name, readFileSync(join(folder, name), 'utf8'));
  }
  return files;
}

let python: Map<string, string> | undefined;
let typescript: Map<string, string> | undefined;
let engine: Map<string, string> | undefined;

export function pythonRuntime(): Map<string, string> {
  python ??= readFolder(join(root, 'python', 'runtime'), '.py');
  return python;
}

export function typescriptRuntime(): Map<string, string> {
  typescript ??= readFolder(join(root, 'typescript', 'runtime'), '.ts');
  return typescript;
}

/** The engine modules a TypeScript export embeds (paths relative to the engine's dist/). */
export const ENGINE_MODULES = [
  'adapters/smtp-mail.js',
  'cron/cron.js',
  'errors.js',
  'expr/ast.js',
  'expr/evaluate.js',
  'expr/filters.js',
  'expr/index.js',
  'expr/lexer.js',
  'expr/parser.js',
  'expr/taint.js',
  'expr/template.js',
  'expr/values.js',
  'graph/compile.js',
  'nodes/duration.js',
  'nodes/builtin/email.js',
  'nodes/fields.js',
  'run/state.js',
];

export function engineModules(): Map<string, string> {
  if (!engine) {
    const dist = dirname(createRequire(import.meta.url).resolve('@runtime-hub/engine'));
    engine = new Map();
    for (const path of ENGINE_MODULES) {
      const text = readFileSync(join(dist, path), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
      engine.set(path, `// Copied from @runtime-hub/engine (dist/${path}): the hub's own implementation.\n${text}`);
    }
  }
  return engine;
}
