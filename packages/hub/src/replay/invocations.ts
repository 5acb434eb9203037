import { randomBytes } from 'node:crypto';

/** Who asked for an invocation, as the hub saw the request. */
export interface Requester {
  address: string;
  userAgent?: string;
  origin?: string;
}

export interface InvocationResult {
  status: 'ok' | 'error';
  traceId?: string;
  spanId?: string;
  output?: unknown;
  error?: { type?: string; message?: string };
}

export interface Invocation {
  id: string;
  service: string;
  function: string;
  args: Record<string, unknown> | unknown[];
  originalSpanId: string;
  originalTraceId: string;
  requestedBy: Requester;
  createdAt: number;
  status: 'queued' | 'running' | 'done' | 'expired';
  instanceId?: string;
  result?: InvocationResult;
}

/** Offers older than this are gone: an app polls again at least every 30 s while it runs. */
const OFFER_TTL_MS = 60_000;
/** An invocation no instance picked up in this time expires (the app went away). */
const QUEUE_TTL_MS = 60_000;
const KEEP = 1000;

interface Offer {
  functions: Set<string>;
  lastSeen: number;
}

type Waiter = { functions: Set<string>; instanceId: string; give(invocation: Invocation): void };

/**
 * The re-invoke channel (docs/replay.md): apps long-poll for work naming the functions they offer;
 * the dashboard queues an invocation of a recorded call; the first poll of that service offering
 * the function takes it; the app posts the result. In memory: invocations are short-lived, and
 * each one's record that lasts is the span the app writes for it.
 */
export class InvocationBoard {
  private readonly offers = new Map<string, Map<string, Offer>>();
  private readonly invocations = new Map<string, Invocation>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly watchers = new Map<string, Array<() => void>>();

  offered(service: string, now = Date.now()): Map<string, number> {
    const functions = new Map<string, number>();
    for (const offer of this.offers.get(service)?.values() ?? []) {
      if (now - offer.lastSeen > OFFER_TTL_MS) continue;
      for (const name of offer.functions) functions.set(name, (functions.get(name) ?? 0) + 1);
    }
    return functions;
  }

  /** An app's poll: an invocation for it now, or one as soon as it is queued, or undefined after `waitMs`. */
  poll(service: string, instanceId: string, functions: string[], waitMs: number, signal: AbortSignal): Promise<Invocation | undefined> {
    const offers = this.offers.get(service) ?? new Map<string, Offer>();
    offers.set(instanceId, { functions: new Set(functions), lastSeen: Date.now() });
    this.offers.set(service, offers);
    const wanted = new Set(functions);
    const ready = [...this.invocations.values()].find((i) => i.status === 'queued' && i.service === service && wanted.has(i.function));
    if (ready) return Promise.resolve(this.take(ready, instanceId));
    return new Promise((resolve) => {
      const waiter: Waiter = { functions: wanted, instanceId, give: (invocation) => finish(invocation) };
      const list = this.waiters.get(service) ?? [];
      list.push(waiter);
      this.waiters.set(service, list);
      const timer = setTimeout(() => finish(undefined), waitMs);
      const finish = (invocation: Invocation | undefined) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
        const current = this.waiters.get(service) ?? [];
        this.waiters.set(service, current.filter((w) => w !== waiter));
        resolve(invocation);
      };
      const abort = () => finish(undefined);
      signal.addEventListener('abort', abort);
    });
  }

  queue(fields: Omit<Invocation, 'id' | 'createdAt' | 'status'>): Invocation {
    this.expire();
    const invocation: Invocation = { ...fields, id: randomBytes(8).toString('hex'), createdAt: Date.now(), status: 'queued' };
    this.invocations.set(invocation.id, invocation);
    const waiter = (this.waiters.get(invocation.service) ?? []).find((w) => w.functions.has(invocation.function));
    if (waiter) waiter.give(this.take(invocation, waiter.instanceId));
    return invocation;
  }

  complete(id: string, result: InvocationResult): Invocation | undefined {
    const invocation = this.invocations.get(id);
    if (!invocation || invocation.status === 'done') return invocation;
    invocation.status = 'done';
    invocation.result = result;
    for (const wake of this.watchers.get(id) ?? []) wake();
    this.watchers.delete(id);
    return invocation;
  }

  get(id: string): Invocation | undefined {
    this.expire();
    return this.invocations.get(id);
  }

  ofSpan(spanId: string): Invocation[] {
    return [...this.invocations.values()].filter((i) => i.originalSpanId === spanId).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Resolves when the invocation is done (or expired), or after `waitMs`. */
  async settled(id: string, waitMs: number): Promise<void> {
    const invocation = this.invocations.get(id);
    if (!invocation || invocation.status === 'done' || invocation.status === 'expired' || waitMs <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      const list = this.watchers.get(id) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.watchers.set(id, list);
    });
  }

  private take(invocation: Invocation, instanceId: string): Invocation {
    invocation.status = 'running';
    invocation.instanceId = instanceId;
    return invocation;
  }

  private expire(now = Date.now()): void {
    for (const invocation of this.invocations.values()) {
      if (invocation.status === 'queued' && now - invocation.createdAt > QUEUE_TTL_MS) {
        invocation.status = 'expired';
        for (const wake of this.watchers.get(invocation.id) ?? []) wake();
        this.watchers.delete(invocation.id);
      }
    }
    if (this.invocations.size > KEEP) {
      const oldest = [...this.invocations.values()].sort((a, b) => a.createdAt - b.createdAt).slice(0, this.invocations.size - KEEP);
      for (const invocation of oldest) this.invocations.delete(invocation.id);
    }
  }
}
