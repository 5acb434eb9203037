import { describe, expect, it } from 'vitest';
import { findLoops, type GraphSpan, pathToRoot, RunGraphLayout } from './graph-model';

function span(id: string, parent: string | null, kind: string, name: string, start: number, end: number | null = start + 1): GraphSpan {
  return { spanId: id, parentSpanId: parent, kind, name, startTime: start, endTime: end, status: 'ok' };
}

describe('RunGraphLayout', () => {
  it('gives node types, depth from the tree and columns in start order', () => {
    const spans = [
      span('root', null, 'agent', 'session', 0, 100),
      span('sub', 'root', 'agent', 'subagent: Explore', 30, 60),
      span('llm', 'root', 'llm', 'chat', 1, 10),
      span('tool', 'root', 'tool', 'Read', 11, 20),
      span('x', 'sub', 'internal', 'step', 31, 32),
    ];
    const { nodes } = new RunGraphLayout().update(spans);
    const pick = (id: string) => {
      const n = nodes.get(id)!;
      return [n.type, n.depth, n.col];
    };
    expect(pick('root')).toEqual(['orchestrator', 0, 0]);
    expect(pick('llm')).toEqual(['llm', 1, 1]);
    expect(pick('tool')).toEqual(['tool', 1, 2]);
    expect(pick('sub')).toEqual(['agent', 1, 3]);
    expect(pick('x')).toEqual(['other', 2, 4]);
  });

  it('puts calls of one parent that overlap in time in one parallel group, side by side', () => {
    const spans = [
      span('root', null, 'agent', 'turn', 0, 100),
      span('a', 'root', 'tool', 'Task', 10, 50),
      span('b', 'root', 'tool', 'Task', 11, 40),
      span('c', 'root', 'tool', 'Task', 12, 45),
      span('d', 'root', 'llm', 'chat', 60, 70),
    ];
    const { nodes } = new RunGraphLayout().update(spans);
    const group = nodes.get('a')!.parallelGroup;
    expect(group).not.toBeNull();
    expect(['b', 'c'].map((id) => nodes.get(id)!.parallelGroup)).toEqual([group, group]);
    expect(['a', 'b', 'c'].map((id) => nodes.get(id)!.col)).toEqual([1, 2, 3]);
    expect(new Set(['a', 'b', 'c'].map((id) => nodes.get(id)!.depth))).toEqual(new Set([1]));
    expect(nodes.get('d')!.parallelGroup).toBeNull();
  });

  it('grows live without moving nodes already placed, and moves an orphan under its late parent', () => {
    const layout = new RunGraphLayout();
    const first = [span('root', null, 'agent', 'run', 0, null), span('l1', 'root', 'llm', 'chat', 1, 5)];
    const before = new Map([...layout.update(first).nodes].map(([id, n]) => [id, [n.col, n.depth]]));
    const orphan = span('t2', 'l2', 'tool', 'search', 7, 8);
    layout.update([...first, orphan]);
    const { nodes } = layout.update([...first, orphan, span('l2', 'root', 'llm', 'chat', 6, 9)]);
    for (const [id, pos] of before) expect([nodes.get(id)!.col, nodes.get(id)!.depth]).toEqual(pos);
    expect(nodes.get('t2')!.parent).toBe('l2');
    expect(nodes.get('t2')!.depth).toBe(2);
  });

  it('folds a repeated llm → tool loop into its first iteration with a ×N badge', () => {
    const spans = [span('root', null, 'agent', 'run', 0, 100)];
    for (let i = 0; i < 5; i++) {
      spans.push(span(`l${i}`, 'root', 'llm', 'chat', i * 10 + 1, i * 10 + 4));
      spans.push(span(`t${i}`, 'root', 'tool', 'search', i * 10 + 5, i * 10 + 8));
      spans.push(span(`q${i}`, `t${i}`, 'internal', 'http', i * 10 + 6, i * 10 + 7));
    }
    spans.push(span('answer', 'root', 'llm', 'final', 90, 95));
    const open = new RunGraphLayout().update(spans);
    expect(open.nodes.size).toBe(spans.length);
    expect(open.loops).toHaveLength(1);
    const loop = open.loops[0]!;
    expect(loop).toMatchObject({ id: 'l0', period: 2, repeats: 5, badgeOn: 't0' });
    const folded = new RunGraphLayout(new Set([loop.id])).update(spans);
    expect([...folded.nodes.keys()].sort()).toEqual(['answer', 'l0', 'q0', 'root', 't0']);
    expect(folded.nodes.get('t0')!.foldedRepeats).toBe(5);
  });
});

describe('findLoops', () => {
  it('needs three repeats and leaves other steps alone', () => {
    const kids = ['a', 'b', 'a', 'b', 'c', 'x', 'x', 'x'].map((name, i) => span(`s${i}`, 'p', 'tool', name, i));
    expect(findLoops('p', kids).map((l) => [l.id, l.period, l.repeats])).toEqual([['s5', 1, 3]]);
  });
});

describe('pathToRoot', () => {
  it('walks visible parents up to the root', () => {
    const { nodes } = new RunGraphLayout().update([span('r', null, 'agent', 'r', 0, 9), span('a', 'r', 'llm', 'a', 1, 2), span('b', 'a', 'tool', 'b', 2, 3), span('c', 'r', 'tool', 'c', 4, 5)]);
    expect([...pathToRoot('b', nodes)]).toEqual(['b', 'a', 'r']);
  });
});

describe('graph geometry', () => {
  it('finds the node under the pointer by column, and dragged nodes where they were dropped', async () => {
    const { hitTest, basePosition, visibleColumns } = await import('./graph-geometry');
    const { nodes } = new RunGraphLayout().update([span('r', null, 'agent', 'r', 0, 9), span('a', 'r', 'llm', 'a', 1, 2), span('b', 'r', 'tool', 'b', 2, 3)]);
    const byCol = [...nodes.values()].sort((x, y) => x.col - y.col);
    const at = basePosition(nodes.get('a')!);
    expect(hitTest({ x: at.x + 5, y: at.y - 5 }, byCol, new Map(), nodes)?.id).toBe('a');
    expect(hitTest({ x: at.x, y: at.y + 40 }, byCol, new Map(), nodes)).toBeUndefined();
    const dragged = new Map([['b', { x: 500, y: 500 }]]);
    expect(hitTest({ x: 502, y: 498 }, byCol, dragged, nodes)?.id).toBe('b');
    expect(visibleColumns(540, 1, 0, 1000)).toEqual([0, 12]);
  });
});
