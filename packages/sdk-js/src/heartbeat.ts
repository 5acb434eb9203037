import { hostname } from 'node:os';
import type { Config } from './config.js';
import type { Exporter } from './exporter.js';
import { debug } from './log.js';
import type { Transport } from './transport/transport.js';
import { SDK_NAME, SDK_VERSION } from './version.js';
import type { WireHeartbeat } from './wire.js';

export const HEARTBEAT_PATH = '/api/v1/apps/heartbeat';

/**
 * Tells the hub this process is alive (and how many records it dropped) every
 * heartbeatIntervalMs. A missed beat is not retried: the next one carries the same information.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly host = safeHostname();
  /** Drop total the hub last acknowledged; undefined until a beat got through. */
  private acknowledgedDrops: number | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    private readonly transport: Transport,
    private readonly exporter: Exporter,
    readonly instanceId: string,
  ) {}

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.heartbeatIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  payload(): WireHeartbeat {
    const beat: WireHeartbeat = {
      service: this.config.service,
      instanceId: this.instanceId,
      pid: process.pid,
      host: this.host,
      language: 'typescript',
      runtimeVersion: `node ${process.versions.node}`,
      sdk: { name: SDK_NAME, version: SDK_VERSION },
    };
    if (this.exporter.totalDropped() > 0) beat.dropped = { ...this.exporter.dropped } as Record<string, number>;
    return beat;
  }

  /** Sends one beat; while one is in flight, resolves when that one is done. */
  beat(): Promise<void> {
    this.inFlight ??= this.send().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async send(): Promise<void> {
    const drops = this.exporter.totalDropped();
    try {
      const result = await this.transport.send(HEARTBEAT_PATH, JSON.stringify(this.payload()));
      if (result.ok) this.acknowledgedDrops = drops;
      else debug(`heartbeat failed: ${result.error}`);
    } catch (error) {
      debug(`heartbeat failed: ${String(error)}`);
    }
  }

  /**
   * Beats now when the hub has not heard from this process yet or does not know its latest drop
   * count: after the hub came back, and before exit, so even a short-lived script that started
   * while the hub was down shows up with what it dropped.
   */
  /** Drops the hub has not been told about (any at all when no beat got through yet). */
  hasUnreportedDrops(): boolean {
    return this.exporter.totalDropped() > (this.acknowledgedDrops ?? 0);
  }

  async beatIfStale(): Promise<void> {
    // A beat already in flight may carry an older count: wait for it, then check again.
    if (this.inFlight !== undefined) await this.inFlight;
    if (this.acknowledgedDrops === this.exporter.totalDropped()) return;
    await this.beat();
  }
}

function safeHostname(): string {
  try {
    return hostname().slice(0, 255) || 'unknown';
  } catch {
    return 'unknown';
  }
}
