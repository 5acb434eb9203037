import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLUG_PATTERN, canonicalJson } from '@runtime-hub/protocol';

/**
 * Projects on disk: `<root>/<project>/project.json` and one `<workflow>.json` per workflow,
 * canonical JSON (stable key order, two-space indent), so a project folder can live in git.
 * Writes go to a temporary file first and are renamed into place, so a crash never leaves a
 * half-written definition.
 */
export class ProjectFiles {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  folder(project: string): string {
    return join(this.root, project);
  }

  /** Every project folder with its raw JSON documents; unreadable files are reported, not thrown. */
  readAll(): { project: string; manifest?: unknown; workflows: { file: string; raw?: unknown; problem?: string }[]; problem?: string }[] {
    const out: ReturnType<ProjectFiles['readAll']> = [];
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !SLUG_PATTERN.test(entry.name)) continue;
      const folder = join(this.root, entry.name);
      const item: (typeof out)[number] = { project: entry.name, workflows: [] };
      try {
        item.manifest = JSON.parse(readFileSync(join(folder, 'project.json'), 'utf8')) as unknown;
      } catch (error) {
        item.problem = `project.json: ${(error as Error).message}`;
      }
      for (const file of readdirSync(folder)) {
        if (!file.endsWith('.json') || file === 'project.json' || !SLUG_PATTERN.test(file.slice(0, -5))) continue;
        try {
          item.workflows.push({ file, raw: JSON.parse(readFileSync(join(folder, file), 'utf8')) as unknown });
        } catch (error) {
          item.workflows.push({ file, problem: (error as Error).message });
        }
      }
      out.push(item);
    }
    return out;
  }

  writeProject(project: { id: string }): void {
    mkdirSync(this.folder(project.id), { recursive: true });
    this.write(join(this.folder(project.id), 'project.json'), canonicalJson(project, 'project'));
  }

  writeWorkflow(project: string, workflow: { id: string }): void {
    this.write(join(this.folder(project), `${workflow.id}.json`), canonicalJson(workflow, 'workflow'));
  }

  deleteWorkflow(project: string, workflow: string): void {
    rmSync(join(this.folder(project), `${workflow}.json`), { force: true });
  }

  deleteProject(project: string): void {
    rmSync(this.folder(project), { recursive: true, force: true });
  }

  exists(project: string): boolean {
    return existsSync(join(this.folder(project), 'project.json'));
  }

  private write(file: string, text: string): void {
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, file);
  }
}
