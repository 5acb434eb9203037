/**
 * Per-workflow concurrency in the embedded engine (`settings.maxConcurrentRuns`): how many runs of
 * each workflow are being driven, and the queued runs waiting for a slot, in order. Keys are
 * `project/workflow`. In scaled mode the `RunCoordinator` holds the slots across workers instead.
 */
export class WorkflowSlots {
  private readonly active = new Map<string, number>();
  private readonly queued = new Map<string, string[]>();
  /** Keys with a filler running; `true` when more was asked of it meanwhile. */
  private readonly filling = new Map<string, boolean>();

  static key(run: { project: string; workflow: string }): string {
    return `${run.project}/${run.workflow}`;
  }

  /** Whether a new run must queue: the workflow is at its limit, or others are queued before it. */
  mustQueue(key: string, limit: number | undefined): boolean {
    return limit !== undefined && (this.activeCount(key) >= limit || this.queueOf(key).length > 0);
  }

  activeCount(key: string): number {
    return this.active.get(key) ?? 0;
  }

  taken(key: string): void {
    this.active.set(key, this.activeCount(key) + 1);
  }

  released(key: string): void {
    this.active.set(key, Math.max(0, this.activeCount(key) - 1));
  }

  enqueue(key: string, runId: string): void {
    this.queueOf(key).push(runId);
  }

  hasQueued(key: string): boolean {
    return (this.queued.get(key)?.length ?? 0) > 0;
  }

  /** The next queued run of `key`, taken off the queue. */
  next(key: string): string | undefined {
    return this.queued.get(key)?.shift();
  }

  /** Removes a queued run (it was cancelled). */
  remove(runId: string): void {
    for (const queue of this.queued.values()) {
      const at = queue.indexOf(runId);
      if (at >= 0) queue.splice(at, 1);
    }
  }

  /**
   * Runs `fillOnce(key)` — start queued runs while slots are free — with one filler per workflow at
   * a time: a call while one runs makes it go round once more instead of starting a second.
   */
  async fill(key: string, fillOnce: (key: string) => Promise<void>): Promise<void> {
    if (this.filling.has(key)) {
      this.filling.set(key, true);
      return;
    }
    try {
      do {
        this.filling.set(key, false);
        await fillOnce(key);
      } while (this.filling.get(key) === true);
    } finally {
      this.filling.delete(key);
    }
  }

  private queueOf(key: string): string[] {
    let queue = this.queued.get(key);
    if (!queue) this.queued.set(key, (queue = []));
    return queue;
  }
}
