import type { TemplateWorkflow } from './template-types.js';

/** Node ids reachable from `start` along the edges. */
function reachable(workflow: TemplateWorkflow, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const id = queue.pop()!;
    for (const edge of workflow.edges) {
      if (edge.source === id && !seen.has(edge.target)) {
        seen.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  return seen;
}

/**
 * Positions for a template's nodes, left to right by longest path from the trigger (edges back
 * into a loop ignored), so the gallery preview and the studio open with a readable graph.
 */
export function layOut(workflow: TemplateWorkflow): TemplateWorkflow {
  const loopBodies = new Map(workflow.nodes.filter((n) => n.type === 'loop').map((n) => [n.id, reachable(workflow, n.id)]));
  const forward = workflow.edges.filter((e) => !loopBodies.get(e.target)?.has(e.source));
  const depth = new Map<string, number>(workflow.nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < workflow.nodes.length; pass++) {
    let changed = false;
    for (const edge of forward) {
      const next = (depth.get(edge.source) ?? 0) + 1;
      if (next > (depth.get(edge.target) ?? 0)) {
        depth.set(edge.target, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  const nodes = workflow.nodes.map((node) => {
    const column = depth.get(node.id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return { ...node, position: { x: column * 240, y: row * 120 } };
  });
  return { ...workflow, nodes };
}
