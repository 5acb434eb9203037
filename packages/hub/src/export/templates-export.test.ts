import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportRefused, exportProject } from '@runtime-hub/codegen';
import type { ExportLanguage } from '@runtime-hub/codegen';
import { ProjectDefinition, WorkflowDefinition } from '@runtime-hub/protocol';
import { TEMPLATES } from '../workflows/templates/index.js';
import { writeFiles } from './write-files.js';

/**
 * Every workflow template of the hub's library, exported in both languages: either the app's
 * files (the Python ones compile) or a refusal that names each node it cannot run.
 */
const dir = mkdtempSync(join(tmpdir(), 'rh-template-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEMPLATES.map((t) => [t.id, t] as const))('template %s', (id, template) => {
  const project = ProjectDefinition.parse({
    id: 'tpl',
    name: template.name,
    env: Object.fromEntries(template.needs.env.map((need) => [need.name, 'value'])),
    settings: { allowShell: template.needs.allowShell ?? false, allowCode: template.needs.allowCode ?? false },
  });
  const workflows = [template.workflow, ...(template.companions ?? [])].map((w) => WorkflowDefinition.parse(w));
  const nodeIds = new Set(workflows.flatMap((w) => w.nodes.map((n) => `${w.id}/${n.id}`)));

  it.each(['python', 'typescript'] as ExportLanguage[])('exports to %s or names what it cannot run', (language) => {
    let files;
    try {
      files = exportProject({ project, workflows, secretNames: template.needs.secrets.map((s) => s.name), language }).files;
    } catch (error) {
      expect(error).toBeInstanceOf(ExportRefused);
      for (const problem of (error as ExportRefused).problems) {
        expect(nodeIds.has(`${problem.workflow}/${problem.nodeId}`), problem.message).toBe(true);
        expect(problem.message).toContain(`node "${problem.nodeId}"`);
      }
      return;
    }
    expect(files.some((f) => f.path === (language === 'python' ? 'main.py' : 'src/server.ts'))).toBe(true);
    if (language === 'python') {
      const folder = join(dir, id);
      writeFiles(folder, files);
      execFileSync(process.env.RUNTIME_HUB_PYTHON ?? 'python3', ['-m', 'compileall', '-q', folder]);
    }
  });
});
