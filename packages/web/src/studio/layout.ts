import type { ELK as ElkApi } from 'elkjs/lib/elk-api';
import type { Workflow } from './changes';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;

// elkjs is large (~1.4 MB): loaded on the first layout, not with the editor.
let elk: Promise<ElkApi> | undefined;
const loadElk = () => (elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default()));

/**
 * Positions for every node (or only `only`), left to right by the edges, with elkjs's layered
 * algorithm. Pure apart from being asynchronous: the definition is not changed.
 */
export async function layoutPositions(workflow: Workflow, only?: Set<string>): Promise<Record<string, { x: number; y: number }>> {
  const ids = new Set(workflow.nodes.map((n) => n.id));
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
    },
    children: workflow.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: workflow.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  };
  const result = await (await loadElk()).layout(graph);
  const positions: Record<string, { x: number; y: number }> = {};
  for (const child of result.children ?? []) {
    if (only && !only.has(child.id)) continue;
    positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  }
  return positions;
}

/** Whether the workflow came in without positions (pasted, written by hand or by the API). */
export function needsLayout(workflow: Workflow): boolean {
  return workflow.nodes.some((n) => !n.position);
}
