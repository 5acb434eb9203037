import { api } from '../api/client';
import type { Span } from '../api/types';
import { useHub } from '../state/connection-store';
import { useFeed, type FeedBatch } from '../state/feed-store';
import { apiParamsOf, liveFilterOf, needsClientFilter, sameFilters, type Filters } from '../state/filters';
import { FrameBatcher } from './frame-batcher';
import { LiveClient } from './live-client';
import { RateMeter } from './rate-meter';

const HEALTH_POLL_MS = 5000;
const SERVICES_POLL_MS = 15_000;
const BACKFILL_LIMIT = 200;
const IDLE_SUBSCRIBE_MS = 3000;

/**
 * The dashboard's connection to the hub: one live subscription feeding the feed store once per
 * frame, the event rate, the stored span count and the list of apps for the status bar and the
 * apps panel. Created once at start-up; views only call `setFilters`.
 */
export class HubLive {
  readonly client = new LiveClient();
  private readonly rate = new RateMeter();
  private readonly batcher = new FrameBatcher<FeedBatch>((batches) => useFeed.getState().receive(batches));
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private idleSubscribe: ReturnType<typeof setTimeout> | undefined;
  private filters: Filters | undefined;
  /** Spans received on the live channel since start (diagnostics and the benchmark read it). */
  received = 0;
  private backfillAbort: AbortController | undefined;

  start(): this {
    performance.mark('rh:start');
    this.client.listen({
      spans: (spans, reset) => {
        this.received += spans.length;
        this.rate.add(spans.length);
        if (reset) this.batcher.clear();
        this.batcher.push([{ spans, reset }]);
      },
      caughtUp: () => {
        if (performance.getEntriesByName('rh:caught-up').length === 0) performance.mark('rh:caught-up');
        this.batcher.flushNow();
        useFeed.getState().markReady();
      },
      apps: (services) => useHub.setState({ services, servicesLoaded: true }),
      connection: (connection) => {
        useHub.setState({ connection });
        if (connection.status === 'connected') {
          if (performance.getEntriesByName('rh:connected').length === 0) performance.mark('rh:connected');
          void this.refreshHealth();
          void this.refreshServices();
        }
      },
    });
    this.client.connect();
    // The monitor subscribes at once with its filters; other views first load what they show,
    // then the subscription starts (for the status bar's event rate).
    this.idleSubscribe = setTimeout(() => {
      if (!this.filters) this.setFilters({});
    }, IDLE_SUBSCRIBE_MS);
    this.timers.push(
      setInterval(() => {
        const rate = Math.round(this.rate.perSecond());
        if (rate !== useHub.getState().rate) useHub.setState({ rate });
      }, 1000),
      setInterval(() => void this.refreshHealth(), HEALTH_POLL_MS),
      setInterval(() => void this.refreshServices(), SERVICES_POLL_MS),
    );
    return this;
  }

  /** Points the live feed at new filters: clears it, subscribes again, backfills if needed. */
  setFilters(filters: Filters): void {
    if (this.filters && sameFilters(this.filters, filters)) return;
    this.filters = filters;
    this.batcher.clear();
    useFeed.getState().setFilters(filters);
    this.client.setFilter(liveFilterOf(filters));
    this.backfillAbort?.abort();
    if (needsClientFilter(filters)) void this.backfill(filters);
  }

  async refreshServices(): Promise<void> {
    try {
      const { services } = await api.services();
      useHub.setState({ services, servicesLoaded: true });
    } catch {
      // Offline: the status bar says so; the next poll or reconnect refreshes.
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.idleSubscribe);
    this.client.close();
  }

  private async refreshHealth(): Promise<void> {
    try {
      const health = await api.health();
      useHub.setState({ storedSpans: health.spans, version: health.version });
    } catch {
      // Offline: see refreshServices.
    }
  }

  /**
   * Live history is the most recent changes; with a name or duration filter most of them may not
   * match, so the newest matching spans are fetched from the query API as well.
   */
  private async backfill(filters: Filters): Promise<void> {
    const abort = new AbortController();
    this.backfillAbort = abort;
    let spans: Span[];
    try {
      ({ spans } = await api.spans({ ...apiParamsOf(filters), limit: BACKFILL_LIMIT }, abort.signal));
    } catch {
      return;
    }
    if (!abort.signal.aborted) useFeed.getState().backfill(spans);
  }
}

export const hubLive = new HubLive();
