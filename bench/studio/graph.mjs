/**
 * A valid workflow of `nodes` nodes and `edges` edges for the studio benchmark: a trigger, then
 * layers of set nodes; every node gets one edge from the layer before, the remaining edges join
 * other pairs of neighbouring layers (no duplicates, no cycles). Positions on a grid, as a saved
 * workflow has them.
 */
export function bigWorkflow(id, nodeCount = 500, edgeCount = 600, perLayer = 10) {
  const nodes = [{ id: 'start', type: 'trigger', name: 'Start', config: {}, position: { x: 0, y: (perLayer / 2) * 100 } }];
  const layers = [['start']];
  for (let i = 1; i < nodeCount; i++) {
    const layer = Math.ceil(i / perLayer);
    (layers[layer] ??= []).push(`n${i}`);
    nodes.push({ id: `n${i}`, type: 'set', name: `Step ${i}`, config: { fields: { value: `{{ input.value ?? ${i} }}` } }, position: { x: layer * 260, y: ((i - 1) % perLayer) * 100 } });
  }
  const edges = [];
  const seen = new Set();
  const add = (source, target) => {
    const key = `${source}->${target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    edges.push({ source, target });
    return true;
  };
  for (let l = 1; l < layers.length; l++) layers[l].forEach((target, j) => add(layers[l - 1][j % layers[l - 1].length], target));
  let k = 0;
  while (edges.length < edgeCount) {
    const l = 2 + (k % (layers.length - 2));
    const from = layers[l - 1];
    const to = layers[l];
    add(from[(k * 7 + 3) % from.length], to[(k * 3) % to.length]);
    k++;
  }
  return { id, name: `Big ${nodeCount}`, nodes, edges };
}
