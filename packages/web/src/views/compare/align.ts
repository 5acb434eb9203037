/** A step of a run as the comparison sees it: what kind of thing happened, and its name. */
export interface StepKey {
  kind: string;
  name: string;
}

/** One row of an alignment: a step of both runs (matched), or of one run only. */
export type AlignedRow = { left: number; right: number } | { left: number; right: null } | { left: null; right: number };

export interface Alignment {
  rows: AlignedRow[];
  /** Index into `rows` of the first row that is not a match; null when the runs agree step by step. */
  firstDivergence: number | null;
}

const keyOf = (step: StepKey) => `${step.kind}\u0000${step.name}`;

/**
 * Aligns the steps of two runs by kind and name with a longest common subsequence, so a step
 * inserted or dropped in one run shows as a gap instead of shifting every later pair.
 * O(n·m) time and memory on the step counts (two runs of 2,000 steps: 4 M cells).
 */
export function alignSteps(left: readonly StepKey[], right: readonly StepKey[]): Alignment {
  const a = left.map(keyOf);
  const b = right.map(keyOf);
  const n = a.length;
  const m = b.length;
  // lengths[i * (m + 1) + j]: LCS length of a[i..] and b[j..].
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        a[i] === b[j] ? lengths[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lengths[(i + 1) * (m + 1) + j]!, lengths[i * (m + 1) + j + 1]!);
    }
  }
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) rows.push({ left: i++, right: j++ });
    else if (lengths[(i + 1) * (m + 1) + j]! >= lengths[i * (m + 1) + j + 1]!) rows.push({ left: i++, right: null });
    else rows.push({ left: null, right: j++ });
  }
  while (i < n) rows.push({ left: i++, right: null });
  while (j < m) rows.push({ left: null, right: j++ });
  const first = rows.findIndex((row) => row.left === null || row.right === null);
  return { rows, firstDivergence: first === -1 ? null : first };
}
