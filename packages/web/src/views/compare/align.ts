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
  /** True when the differing middle was too long for the LCS and was paired by position instead. */
  byPosition?: true;
}

const keyOf = (step: StepKey) => `${step.kind}\u0000${step.name}`;

/** The LCS table of the differing middle may hold at most this many cells (64 MB of Uint32). */
export const MAX_LCS_CELLS = 16_000_000;

/**
 * Aligns the steps of two runs by kind and name with a longest common subsequence, so a step
 * inserted or dropped in one run shows as a gap instead of shifting every later pair. The steps
 * both runs share at the start and at the end are paired first; the LCS runs on the middle only,
 * in O(n·m) time and memory on its lengths. A middle over `maxCells` (two runs of 4,000 differing
 * steps) is paired by position instead, and the alignment says so (`byPosition`).
 */
export function alignSteps(left: readonly StepKey[], right: readonly StepKey[], maxCells = MAX_LCS_CELLS): Alignment {
  const a = left.map(keyOf);
  const b = right.map(keyOf);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const rows: AlignedRow[] = [];
  for (let i = 0; i < head; i++) rows.push({ left: i, right: i });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const tooBig = (midA.length + 1) * (midB.length + 1) > maxCells;
  for (const row of tooBig ? byPosition(midA, midB) : lcsRows(midA, midB)) {
    rows.push({ left: row.left === null ? null : row.left + head, right: row.right === null ? null : row.right + head } as AlignedRow);
  }
  for (let k = tail; k > 0; k--) rows.push({ left: a.length - k, right: b.length - k });
  const first = rows.findIndex((row) => row.left === null || row.right === null);
  const alignment: Alignment = { rows, firstDivergence: first === -1 ? null : first };
  if (tooBig) alignment.byPosition = true;
  return alignment;
}

function lcsRows(a: readonly string[], b: readonly string[]): AlignedRow[] {
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
  return rows;
}

/** Equal keys at the same position pair; the rest show as a step of one run and a step of the other. */
function byPosition(a: readonly string[], b: readonly string[]): AlignedRow[] {
  const rows: AlignedRow[] = [];
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    if (k < a.length && k < b.length && a[k] === b[k]) rows.push({ left: k, right: k });
    else {
      if (k < a.length) rows.push({ left: k, right: null });
      if (k < b.length) rows.push({ left: null, right: k });
    }
  }
  return rows;
}
