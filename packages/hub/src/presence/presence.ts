import type { Heartbeat, ServiceInfo, Span } from '@runtime-hub/protocol';
import type { SpanStore } from '../store/store.js';
import { ActivityTracker } from './activity.js';

export interface PresenceOptions {
  /** A service or instance is online while it was seen within this window (ms). */
  onlineWindowMs: number;
  /** How often online state is re-evaluated to announce apps going offline (ms). */
  checkIntervalMs: number;
  now: () => number;
}

export const DEFAULT_PRESENCE_OPTIONS: PresenceOptions = {
  onlineWindowMs: 30_000,
  checkIntervalMs: 5_000,
  now: Date.now,
};

/**
 * Which apps are connected. An app is online while heartbeats or spans keep arriving; when the
 * set of online services or instances changes, `onChange` receives the new list.
 */
export class Presence {
  private readonly activity: ActivityTracker;
  private readonly lastSpanAt = new Map<string, number>();
  private onlineKey = '';
  private timer: NodeJS.Timeout | undefined;
  /** Called after each recorded heartbeat: scaled mode tells the other hubs to re-read presence. */
  afterHeartbeat: (() => void) | undefined;

  constructor(
    private readonly store: SpanStore,
    private readonly onChange: (services: ServiceInfo[]) => void,
    private readonly options: PresenceOptions = DEFAULT_PRESENCE_OPTIONS,
  ) {
    this.activity = new ActivityTracker(options.now);
  }

  start(): void {
    this.timer = setInterval(() => this.checkInBackground(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Span listener: counts activity and notices services that just came online. */
  onSpans(spans: readonly Span[]): void {
    this.activity.record(spans);
    const now = this.options.now();
    let fresh = false;
    for (const span of spans) {
      const last = this.lastSpanAt.get(span.service);
      if (last === undefined || now - last > this.options.onlineWindowMs) fresh = true;
      this.lastSpanAt.set(span.service, now);
    }
    if (fresh) this.checkInBackground();
  }

  async heartbeat(beat: Heartbeat): Promise<void> {
    await this.store.recordHeartbeat({
      service: beat.service,
      instanceId: beat.instanceId,
      pid: beat.pid ?? null,
      host: beat.host ?? null,
      language: beat.language ?? null,
      runtimeVersion: beat.runtimeVersion ?? null,
      sdk: beat.sdk ? `${beat.sdk.name}/${beat.sdk.version}` : null,
      dropped: beat.dropped ?? {},
      time: this.options.now(),
    });
    await this.check();
    this.afterHeartbeat?.();
  }

  /** Re-reads who is online now (another hub recorded a heartbeat), announcing a change. */
  refresh(): void {
    this.checkInBackground();
  }

  async list(): Promise<ServiceInfo[]> {
    const now = this.options.now();
    const online = (t: number) => now - t <= this.options.onlineWindowMs;
    const rows = await this.store.listServices();
    return rows.map((row) => {
      const lastSeen = Math.max(row.lastSeen, this.lastSpanAt.get(row.service) ?? 0);
      const instances = row.instances.map((i) => ({
        instanceId: i.instanceId,
        pid: i.pid,
        host: i.host,
        language: i.language,
        runtimeVersion: i.runtimeVersion,
        sdk: i.sdk,
        online: online(i.time),
        lastSeen: i.time,
        dropped: i.dropped,
      }));
      const newest = instances[0];
      return {
        service: row.service,
        online: online(lastSeen),
        instances,
        language: newest?.language ?? null,
        sdk: newest?.sdk ?? null,
        firstSeen: row.firstSeen,
        lastSeen,
        activity: this.activity.activityOf(row.service),
      };
    });
  }

  /**
   * A check nobody awaits. A failed read (a reader thread gone, the store closing) must not become
   * an unhandled rejection that ends the process; the next interval checks again.
   */
  private checkInBackground(): void {
    this.check().catch(() => undefined);
  }

  /** Announces the service list when who is online has changed. */
  private async check(): Promise<void> {
    const services = await this.list();
    const key = services
      .map((s) => `${s.service}:${s.online ? 1 : 0}:${s.instances.filter((i) => i.online).map((i) => i.instanceId).join(',')}`)
      .join('|');
    if (key === this.onlineKey) return;
    this.onlineKey = key;
    this.onChange(services);
  }
}
