import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { buildFlowGraph, pathTo } from './flow-graph';
import { ancestorsOf, buildTree, childrenOf, flatten, parentsOf } from './trace-tree';

function span(id: string, parent: string | null, start: number, name = id, durationMs = 1): Span {
  return { traceId: 't'.repeat(32), spanId: id, parentSpanId: parent, service: 's', name, kind: 'function', startTime: start, endTime: start + durationMs, durationMs, status: 'ok', sessionId: null, seq: start };
}

describe('trace tree', () => {
  const spans = [span('root', null, 0, 'handle', 100), span('a', 'root', 1, 'auth'), span('b', 'root', 2, 'load'), span('q1', 'b', 3, 'db.query', 10), span('q2', 'b', 4, 'db.query', 20)];

  it('flattens in tree order with depths, and collapses subtrees', () => {
    const tree = buildTree(spans);
    const rows = flatten(tree);
    expect(Array.from(rows.index.slice(0, rows.length), (i) => tree.spans[i]!.spanId)).toEqual(['root', 'a', 'b', 'q1', 'q2']);
    expect(Array.from(rows.depth.slice(0, rows.length))).toEqual([0, 1, 1, 2, 2]);
    const collapsed = flatten(tree, new Set(['b']));
    expect(collapsed.length).toBe(3);
    expect([...parentsOf(tree)]).toEqual(['b']);
    expect(childrenOf(tree, tree.indexOf.get('b')!).map((s) => s.spanId)).toEqual(['q1', 'q2']);
    expect(ancestorsOf(tree, tree.indexOf.get('q2')!)).toEqual(['b', 'root']);
  });

  it('sorts unsorted input, makes orphans roots, and survives parent cycles', () => {
    const tree = buildTree([span('x', 'y', 5), span('y', 'x', 6), span('orphan', 'missing', 1), span('r', null, 0)]);
    const rows = flatten(tree);
    expect(rows.length).toBe(4);
    expect(tree.spans.map((s) => s.spanId)).toEqual(['r', 'orphan', 'x', 'y']);
  });

  it('builds a 100,000-span tree quickly', () => {
    const big: Span[] = [span('root', null, 0)];
    for (let i = 1; i < 100_000; i++) big.push(span(`s${i}`, i % 100 === 1 ? 'root' : `s${i - (i % 100) + 1}`, i));
    const started = performance.now();
    const tree = buildTree(big);
    const rows = flatten(tree);
    const graph = buildFlowGraph(tree);
    expect(rows.length).toBe(100_000);
    expect(graph.nodes.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('flow graph', () => {
  it('aggregates calls per function with counts and total time, in columns by depth', () => {
    const tree = buildTree([span('root', null, 0, 'handle', 100), span('a', 'root', 1, 'auth'), span('b', 'root', 2, 'load'), span('q1', 'b', 3, 'db.query', 10), span('q2', 'b', 4, 'db.query', 20)]);
    const graph = buildFlowGraph(tree);
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    expect(byName.get('db.query')).toMatchObject({ calls: 2, totalMs: 30, layer: 2 });
    const edge = graph.edges.find((e) => graph.nodes[e.from]!.name === 'load' && graph.nodes[e.to]!.name === 'db.query');
    expect(edge).toMatchObject({ calls: 2, totalMs: 30 });
    const path = [...pathTo(graph, byName.get('db.query')!.id)].map((id) => graph.nodes[id]!.name);
    expect(path).toEqual(['db.query', 'load', 'handle']);
  });

  it('keeps the functions with the most time when there are too many', () => {
    const spans = [span('root', null, 0, 'root', 1000)];
    for (let i = 0; i < 50; i++) spans.push(span(`c${i}`, 'root', i + 1, `fn_${i}`, i));
    const graph = buildFlowGraph(buildTree(spans), 10);
    expect(graph.nodes.length).toBe(10);
    expect(graph.hiddenNodes).toBe(41);
    expect(graph.nodes.map((n) => n.name)).toContain('fn_49');
    expect(graph.nodes.map((n) => n.name)).not.toContain('fn_0');
  });
});
