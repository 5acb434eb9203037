import { createRegistry } from '@runtime-hub/engine';
import type { WorkflowDefinition } from '@runtime-hub/protocol';
import type { ExportLanguage, ExportProblem } from './types.js';

/** Node types each export's runtime implements; anything else is refused, naming the node. */
const PYTHON_TYPES = ['trigger', 'set', 'transform', 'condition', 'wait', 'merge', 'loop', 'respond', 'http', 'notification', 'workflow', 'shell', 'llm', 'email'];
const SUPPORTED: Record<ExportLanguage, Set<string>> = {
  python: new Set(PYTHON_TYPES),
  typescript: new Set([...PYTHON_TYPES, 'code']),
};
const KNOWN = new Set(createRegistry().keys());

function label(workflow: WorkflowDefinition, node: { id: string; name?: string }): string {
  return `workflow "${workflow.id}", node "${node.id}"${node.name && node.name !== node.id ? ` (${node.name})` : ''}`;
}

/**
 * What an export cannot carry: node types it does not run (a JavaScript code node in a Python
 * export), and calls to workflows the project does not have. Disabled nodes pass their input on
 * and are always fine. Warnings are what the app does differently from the hub (a cron trigger's
 * missed-run policy).
 */
export function checkSupport(workflows: WorkflowDefinition[], language: ExportLanguage): { problems: ExportProblem[]; warnings: ExportProblem[] } {
  const problems: ExportProblem[] = [];
  const warnings: ExportProblem[] = [];
  const ids = new Set(workflows.map((w) => w.id));
  for (const workflow of workflows) {
    if (workflow.trigger.type === 'cron' && workflow.trigger.missed === 'run-once') {
      warnings.push({ workflow: workflow.id, message: `workflow "${workflow.id}" runs once for the fires missed while the hub was down; the exported app keeps no state between starts and skips them` });
    }
    for (const node of workflow.nodes) {
      if (node.disabled) continue;
      if (!SUPPORTED[language].has(node.type)) {
        const lang = language === 'python' ? 'Python' : 'TypeScript';
        const message =
          node.type === 'code'
            ? `${label(workflow, node)}: a JavaScript code node cannot run in a Python export; rewrite it with set/transform nodes and expressions, or export to TypeScript`
            : KNOWN.has(node.type)
              ? `${label(workflow, node)}: the ${lang} export does not implement "${node.type}" nodes yet; disable the node or keep this workflow in the hub`
              : `${label(workflow, node)}: node type "${node.type}" is not supported by the ${lang} export (unknown type)`;
        problems.push({ workflow: workflow.id, nodeId: node.id, message });
        continue;
      }
      const target = node.config.workflow;
      if (node.type === 'workflow' && node.config.mode !== 'http' && typeof target === 'string' && !target.includes('{{') && !ids.has(target)) {
        problems.push({ workflow: workflow.id, nodeId: node.id, message: `${label(workflow, node)}: calls workflow "${target}", which is not in the project` });
      }
    }
  }
  return { problems, warnings };
}
