/**
 * The span ids seen most recently, in two generations of fixed-size open-addressed tables of
 * 64-bit ids (two uint32 halves): ~4 MB for 2 × 100,000 ids, no object per id. `add` answers
 * whether an id is new; the older generation is dropped when the newer one fills.
 */
export class RecentIds {
  private readonly mask: number;
  private current: Uint32Array;
  private previous: Uint32Array;
  private size = 0;

  constructor(private readonly perGeneration = 100_000) {
    let slots = 1;
    while (slots < perGeneration * 2.5) slots *= 2;
    this.mask = slots - 1;
    this.current = new Uint32Array(slots * 2);
    this.previous = new Uint32Array(slots * 2);
  }

  /** False when the id was seen recently. Ids that are not 16 hex digits are always new. */
  add(spanId: string): boolean {
    if (spanId.length !== 16) return true;
    const hi = parseInt(spanId.slice(0, 8), 16) >>> 0;
    const lo = parseInt(spanId.slice(8), 16) >>> 0;
    if ((hi === 0 && lo === 0) || Number.isNaN(hi) || Number.isNaN(lo)) return true;
    const start = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
    if (this.find(this.previous, hi, lo, start) === true) return false;
    const slot = this.find(this.current, hi, lo, start);
    if (slot === true) return false;
    this.current[slot * 2] = hi;
    this.current[slot * 2 + 1] = lo;
    if (++this.size >= this.perGeneration) {
      [this.previous, this.current] = [this.current, this.previous];
      this.current.fill(0);
      this.size = 0;
    }
    return true;
  }

  /** True when the table holds the id, else the empty slot where it would go. */
  private find(table: Uint32Array, hi: number, lo: number, start: number): true | number {
    for (let slot = start; ; slot = (slot + 1) & this.mask) {
      const h = table[slot * 2]!;
      const l = table[slot * 2 + 1]!;
      if (h === 0 && l === 0) return slot;
      if (h === hi && l === lo) return true;
    }
  }
}
