import { describe, expect, it } from 'vitest';
import { WorkflowDefinition } from '@runtime-hub/protocol';
import { ExportRefused, exportProject } from './index.js';
import type { ExportLanguage } from './index.js';
import { FIXTURE_PROJECT, FIXTURE_SECRETS, FIXTURE_WORKFLOWS } from './testing/fixture-project.js';

const both: ExportLanguage[] = ['python', 'typescript'];

function withNode(node: Record<string, unknown>) {
  return WorkflowDefinition.parse({
    id: 'odd',
    name: 'Odd',
    nodes: [{ id: 'start', type: 'trigger' }, node],
    edges: [{ source: 'start', target: node.id as string }],
  });
}

function refusal(language: ExportLanguage, workflows = FIXTURE_WORKFLOWS): ExportRefused | undefined {
  try {
    exportProject({ project: FIXTURE_PROJECT, workflows, secretNames: [], language });
  } catch (error) {
    if (error instanceof ExportRefused) return error;
    throw error;
  }
  return undefined;
}

describe('exportProject', () => {
  it.each(both)('gives the same bytes whatever order the workflows and keys come in (%s)', (language) => {
    const first = exportProject({ project: FIXTURE_PROJECT, workflows: FIXTURE_WORKFLOWS, secretNames: FIXTURE_SECRETS, language }).files;
    const shuffled = [...FIXTURE_WORKFLOWS].reverse();
    const again = exportProject({ project: FIXTURE_PROJECT, workflows: shuffled, secretNames: [...FIXTURE_SECRETS].reverse(), language }).files;
    expect(again).toEqual(first);
    expect(first.map((f) => f.path)).toEqual(first.map((f) => f.path).sort());
  });

  it('refuses a JavaScript code node in a Python export, naming workflow and node; TypeScript runs it', () => {
    const workflows = [...FIXTURE_WORKFLOWS, withNode({ id: 'calc', type: 'code', name: 'Compute', config: { code: 'return 1' } })];
    const refused = refusal('python', workflows);
    expect(refused?.problems).toEqual([{ workflow: 'odd', nodeId: 'calc', message: expect.stringContaining('workflow "odd", node "calc" (Compute): a JavaScript code node cannot run in a Python export') }]);
    expect(refusal('typescript', workflows)).toBeUndefined();
  });

  it.each(both)('refuses node types it does not know and calls to workflows the project lacks (%s)', (language) => {
    const workflows = [
      ...FIXTURE_WORKFLOWS,
      withNode({ id: 'beam', type: 'teleport', config: {} }),
      WorkflowDefinition.parse({ id: 'caller', name: 'Caller', nodes: [{ id: 'start', type: 'trigger' }, { id: 'call', type: 'workflow', config: { workflow: 'ghost' } }], edges: [{ source: 'start', target: 'call' }] }),
    ];
    const messages = refusal(language, workflows)?.problems.map((p) => p.message);
    expect(messages).toEqual([
      expect.stringContaining('workflow "odd", node "beam": node type "teleport" is not supported'),
      expect.stringContaining('workflow "caller", node "call": calls workflow "ghost", which is not in the project'),
    ]);
  });

  it('lets a disabled node through (it passes its input on)', () => {
    expect(refusal('python', [...FIXTURE_WORKFLOWS, withNode({ id: 'calc', type: 'code', disabled: true, config: { code: 'return 1' } })])).toBeUndefined();
  });

  it.each(both)('names secrets in .env.example and never carries a value (%s)', (language) => {
    const { files } = exportProject({ project: FIXTURE_PROJECT, workflows: FIXTURE_WORKFLOWS, secretNames: FIXTURE_SECRETS, language });
    const env = files.find((f) => f.path === '.env.example')?.content ?? '';
    expect(env).toContain('\nSTRIPE_KEY=\n');
    expect(env).toContain('\nAPI_TOKEN=\n');
    expect(env).toContain('GREETING="Hello"');
  });

  it('schedules cron workflows, and warns only that the app skips fires missed while it was down', () => {
    const nightly = WorkflowDefinition.parse({ id: 'nightly', name: 'Nightly', trigger: { type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Zurich' }, nodes: [{ id: 'start', type: 'trigger' }] });
    const catchUp = WorkflowDefinition.parse({ id: 'catch-up', name: 'Catch up', trigger: { type: 'cron', expression: '0 * * * *', missed: 'run-once' }, nodes: [{ id: 'start', type: 'trigger' }] });
    for (const language of ['python', 'typescript'] as const) {
      const { warnings, files } = exportProject({ project: FIXTURE_PROJECT, workflows: [nightly, catchUp], secretNames: [], language });
      expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('workflow "catch-up" runs once for the fires missed')]);
      const readme = files.find((f) => f.path === 'README.md')?.content ?? '';
      expect(readme).toContain('| nightly | `0 3 * * *` | Europe/Zurich |');
      expect(readme).toContain('SCHEDULES=off');
    }
  });
});
