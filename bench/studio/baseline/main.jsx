// The benchmark's baseline: React Flow's own render of the same graph — default nodes, the same
// MiniMap, Controls and Background, controlled nodes — without the studio's panels, store or
// custom nodes.
import { applyNodeChanges, Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

function App({ initialNodes, edges }) {
  const [nodes, setNodes] = useState(initialNodes);
  return (
    <div style={{ width: '100vw', height: '100vh' }} data-testid="canvas">
      <ReactFlow nodes={nodes} edges={edges} onNodesChange={(c) => setNodes((ns) => applyNodeChanges(c, ns))} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.05} onlyRenderVisibleElements>
        <Background />
        <MiniMap pannable zoomable />
        <Controls />
      </ReactFlow>
    </div>
  );
}

fetch('/graph.json')
  .then((r) => r.json())
  .then((wf) => {
    const nodes = wf.nodes.map((n) => ({ id: n.id, position: n.position, data: { label: n.name ?? n.id } }));
    const edges = wf.edges.map((e) => ({ id: `${e.source}->${e.target}`, source: e.source, target: e.target }));
    createRoot(document.getElementById('root')).render(<App initialNodes={nodes} edges={edges} />);
  });
