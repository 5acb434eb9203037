import type { RunCoordinator } from '@runtime-hub/engine';

/**
 * The embedded hub's {@link RunCoordinator}: one process, one engine, so the answers are kept in
 * memory. Leases still expire by the clock, so it behaves like the Redis one in the shared suite.
 */
export class EmbeddedRunCoordinator implements RunCoordinator {
  private readonly runs = new Map<string, { owner: string; until: number }>();
  private readonly slots = new Map<string, Map<string, number>>();
  private readonly ticks = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  claimRun(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = this.runs.get(runId);
    const now = this.now();
    if (held && held.owner !== owner && held.until > now) return Promise.resolve(false);
    this.runs.set(runId, { owner, until: now + ttlMs });
    return Promise.resolve(true);
  }

  releaseRun(runId: string, owner: string): Promise<void> {
    if (this.runs.get(runId)?.owner === owner) this.runs.delete(runId);
    return Promise.resolve();
  }

  acquireSlot(workflow: string, runId: string, limit: number, ttlMs: number): Promise<boolean> {
    const now = this.now();
    let holders = this.slots.get(workflow);
    if (!holders) this.slots.set(workflow, (holders = new Map()));
    for (const [holder, until] of holders) if (until <= now) holders.delete(holder);
    if (!holders.has(runId) && holders.size >= limit) return Promise.resolve(false);
    holders.set(runId, now + ttlMs);
    return Promise.resolve(true);
  }

  releaseSlot(workflow: string, runId: string): Promise<void> {
    this.slots.get(workflow)?.delete(runId);
    return Promise.resolve();
  }

  claimTick(schedule: string, tickAt: number): Promise<boolean> {
    // One schedule fires its ticks in order: remembering the newest claimed tick is enough.
    const last = this.ticks.get(schedule);
    if (last !== undefined && tickAt <= last) return Promise.resolve(false);
    this.ticks.set(schedule, tickAt);
    return Promise.resolve(true);
  }
}
