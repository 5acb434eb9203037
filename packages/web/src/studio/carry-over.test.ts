import { describe, expect, it } from 'vitest';
import { carryOver, type HeldNode } from './carry-over';

const node = (id: string, x = 0): HeldNode => ({ id, position: { x, y: 0 } });

describe('carryOver', () => {
  it('keeps the objects React Flow holds for nodes that did not change, so they are not measured again', () => {
    const before = [node('a'), node('b'), node('c')];
    const held = before.map((n) => ({ ...n, measured: { width: 200, height: 50 } }));
    const derived = [before[0]!, { ...before[1]!, position: { x: 40, y: 0 } }, before[2]!];
    const next = carryOver(before, derived, held);
    expect(next[0]).toBe(held[0]);
    expect(next[2]).toBe(held[2]);
    // The changed node is the new one, with the size React Flow measured.
    expect(next[1]).toEqual({ id: 'b', position: { x: 40, y: 0 }, measured: { width: 200, height: 50 } });
  });

  it('a node being dragged keeps its drag position; new nodes come as they are; removed ones go', () => {
    const before = [node('a'), node('b')];
    const held = [{ ...before[0]!, position: { x: 99, y: 9 }, dragging: true }, before[1]!];
    const derived = [{ ...before[0]!, id: 'a' }, node('new')];
    expect(carryOver(before, derived, held)).toEqual([{ id: 'a', position: { x: 99, y: 9 }, dragging: true }, { id: 'new', position: { x: 0, y: 0 } }]);
  });
});
