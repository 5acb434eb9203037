/** Events per second over a sliding window of one-second buckets. */
export class RateMeter {
  private readonly buckets: number[];
  private second = 0;

  constructor(
    private readonly windowS = 5,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.buckets = new Array<number>(windowS).fill(0);
  }

  add(n: number): void {
    this.roll();
    this.buckets[this.second % this.windowS]! += n;
  }

  /** Average rate over the completed seconds of the window. */
  perSecond(): number {
    this.roll();
    let sum = 0;
    for (let i = 1; i < this.windowS; i++) sum += this.buckets[(this.second - i + this.windowS * 2) % this.windowS]!;
    return sum / (this.windowS - 1);
  }

  private roll(): void {
    const second = Math.floor(this.now() / 1000);
    if (this.second === 0) this.second = second;
    const steps = Math.min(second - this.second, this.windowS);
    for (let i = 1; i <= steps; i++) this.buckets[(this.second + i) % this.windowS] = 0;
    this.second = second;
  }
}
