import { pythonProject } from './python/project.js';
import { checkSupport } from './support.js';
import { typescriptProject } from './typescript/project.js';
import { ExportRefused } from './types.js';
import type { ExportInput, ExportProblem, GeneratedFile } from './types.js';

export { EXPORT_LANGUAGES, ExportRefused } from './types.js';
export type { ExportInput, ExportLanguage, ExportProblem, GeneratedFile } from './types.js';
export { PLATFORM_COMMANDS } from './platforms.js';
export { PYTHON_REQUIREMENTS } from './python/project.js';
export { TYPESCRIPT_DEPENDENCIES } from './typescript/project.js';

export interface ExportResult {
  files: GeneratedFile[];
  /** What the app does differently from the hub (a cron trigger it does not schedule). */
  warnings: ExportProblem[];
}

/**
 * A project as a runnable app: pure (no I/O besides reading the package's own templates), and
 * deterministic — the same input gives the same files, in path order, byte for byte. Throws
 * {@link ExportRefused} naming every node the language cannot run.
 *
 * @example
 *   const { files } = exportProject({ project, workflows, secretNames: ['API_KEY'], language: 'python' });
 */
export function exportProject(input: ExportInput): ExportResult {
  const { problems, warnings } = checkSupport(input.workflows, input.language);
  if (problems.length > 0) throw new ExportRefused(input.language, problems);
  const files = input.language === 'python' ? pythonProject(input) : typescriptProject(input);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings };
}
