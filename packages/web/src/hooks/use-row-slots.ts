import { useRef } from 'react';

/**
 * Stable React keys for the rows of a virtualized list that recycle row elements: a row that stays
 * in the window keeps its key, a row that leaves frees its key for one that enters. Scrolling then
 * refills a few existing row elements instead of removing some and creating others.
 */
export function useRowSlots(indices: readonly number[]): (index: number) => number {
  const state = useRef({ slotOf: new Map<number, number>(), next: 0 });
  const { slotOf } = state.current;
  const present = new Set(indices);
  const free: number[] = [];
  for (const [index, slot] of slotOf) {
    if (!present.has(index)) {
      slotOf.delete(index);
      free.push(slot);
    }
  }
  for (const index of indices) {
    if (!slotOf.has(index)) slotOf.set(index, free.pop() ?? state.current.next++);
  }
  return (index) => slotOf.get(index)!;
}

/**
 * Items in slot order: rows are absolutely positioned, so their order in the DOM does not matter,
 * and keeping it fixed spares React from moving elements around on every scroll.
 */
export function bySlot<T extends { index: number }>(items: readonly T[], slot: (index: number) => number): T[] {
  return [...items].sort((a, b) => slot(a.index) - slot(b.index));
}
