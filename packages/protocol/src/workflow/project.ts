import { z } from 'zod';
import { Slug, VarName } from './ids.js';

/**
 * A project groups workflows (seed 001). It lives as a folder `projects/<id>/` with this
 * `project.json` and one JSON file per workflow, so the folder can be kept in git. Secrets are
 * not part of it: they are stored encrypted by the hub and only their names are ever returned.
 */
export const ProjectSettings = z.object({
  /** Shell nodes run commands on the hub's machine: refused unless enabled. */
  allowShell: z.boolean().default(false),
  /** Code nodes run JavaScript in an isolated worker: refused unless enabled. */
  allowCode: z.boolean().default(false),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

export const ProjectDefinition = z.object({
  id: Slug,
  name: z.string().min(1).max(256),
  description: z.string().max(10_000).default(''),
  version: z.string().max(64).default('0.1.0'),
  /** Environment variables, readable as `{{ env.NAME }}`; not secret (use secrets for that). */
  env: z.record(VarName, z.string().max(64 * 1024)).default({}),
  settings: ProjectSettings.default({ allowShell: false, allowCode: false }),
});
export type ProjectDefinition = z.infer<typeof ProjectDefinition>;
export type ProjectDefinitionInput = z.input<typeof ProjectDefinition>;
