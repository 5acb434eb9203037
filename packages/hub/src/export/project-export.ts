import { EXPORT_LANGUAGES, exportProject } from '@runtime-hub/codegen';
import type { ExportLanguage, ExportResult } from '@runtime-hub/codegen';
import { HubError } from '@runtime-hub/protocol';
import { strToU8, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { HUB_VERSION } from '../version.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { WorkflowApiError } from '../workflows/http-errors.js';

/**
 * A project of the hub as an app: its definitions and the names (never the values) of its
 * secrets go through codegen; a refusal becomes EXPORT_REFUSED naming each node.
 */

export function parseLanguage(raw: unknown): ExportLanguage {
  if (typeof raw === 'string' && (EXPORT_LANGUAGES as readonly string[]).includes(raw)) return raw as ExportLanguage;
  throw new HubError('INVALID_QUERY', `language must be one of ${EXPORT_LANGUAGES.join(', ')}, not ${JSON.stringify(raw ?? null)}`, { field: 'language' });
}

export function exportFromHub(service: WorkflowService, projectId: string, language: ExportLanguage, version?: string): ExportResult {
  const project = service.catalog.getProject(projectId);
  if (!project) throw new WorkflowApiError('PROJECT_NOT_FOUND', `no project "${projectId}"`);
  const workflows = service.catalog.listWorkflows(projectId);
  const secretNames = service.vault.names(projectId).map((s) => s.name);
  try {
    return exportProject({ project, workflows, secretNames, language, version, generator: HUB_VERSION });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExportRefused') {
      throw new HubError('EXPORT_REFUSED', error.message, { language, problems: (error as Error & { problems: unknown }).problems });
    }
    throw error;
  }
}

/** The files as a zip under one folder (`<project>-<language>/`), with a fixed time: same files, same bytes. */
export function zipFiles(folder: string, files: { path: string; content: string }[]): Uint8Array {
  const tree: Zippable = {};
  for (const file of files) tree[`${folder}/${file.path}`] = [strToU8(file.content), { mtime: new Date('2000-01-01T00:00:00Z') }];
  return zipSync(tree, { level: 6 });
}
