import type { FastifyBaseLogger } from 'fastify';
import type { HubConfig } from './config.js';
import type { Ingest, IngestObserver, SpanListener } from './ingest/ingest.js';
import type { LiveChannel } from './live/live-channel.js';
import type { Presence } from './presence/presence.js';
import type { ChangeFeed } from './store/change-feed.js';
import type { SpanStore } from './store/store.js';

/**
 * What every feature of the hub receives: the configuration, the store, the one ingest path, the
 * live channel and presence. Features register routes with `register<Feature>(app, ctx)`.
 */
export interface HubContext {
  config: HubConfig;
  store: SpanStore;
  /** Validate → persist → broadcast. Every span source goes through here. */
  ingest: Ingest;
  /** Adds a listener for committed spans (called after the live channel and presence). */
  onSpans(listener: SpanListener): void;
  /** Adds an observer of every ingest call's outcome: accepted, rejected by code, store write time. */
  onIngest(observer: IngestObserver): void;
  live: LiveChannel;
  /** Committed changes in seq order, this hub's and (scaled mode) every other hub's; the live channel listens to it. */
  feed: ChangeFeed;
  presence: Presence;
  log: FastifyBaseLogger;
  /**
   * Runs on shutdown in reverse order of registration: after the HTTP server has stopped and its
   * requests are answered (no request sees what a hook ends), before the change feed and the store close.
   */
  onClose(hook: () => Promise<void> | void): void;
  startedAt: number;
}
