import type { ProjectDefinition, WorkflowDefinition } from '@runtime-hub/protocol';

/** The languages a project exports to. */
export const EXPORT_LANGUAGES = ['python', 'typescript'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

/** What an export is made from: the project as the hub stores it, and only the names of its secrets. */
export interface ExportInput {
  project: ProjectDefinition;
  workflows: WorkflowDefinition[];
  /** Secret names only: values never enter generated files (the app reads them from its environment). */
  secretNames: string[];
  language: ExportLanguage;
  /** The version written into the app (its /health answers it); default: the project's version. */
  version?: string;
  /** The generator's version, written into file headers. */
  generator?: string;
}

/** One generated file; text, UTF-8, `\n` line ends. `mode` 0o755 for scripts. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** A node or workflow the export cannot carry, named so the user can fix it. */
export interface ExportProblem {
  workflow: string;
  nodeId?: string;
  message: string;
}

/** Thrown when any node or workflow cannot be exported; lists every problem, not only the first. */
export class ExportRefused extends Error {
  readonly problems: ExportProblem[];
  constructor(language: ExportLanguage, problems: ExportProblem[]) {
    super(`the project cannot be exported to ${language === 'python' ? 'Python' : 'TypeScript'}: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'ExportRefused';
    this.problems = problems;
  }
}
