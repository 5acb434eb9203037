import { create } from 'zustand';
import type { Span } from '../api/types';
import { applySpans, emptyFeed, FEED_CAP, type FeedModel } from './feed-model';
import { matchesFilters, type Filters } from './filters';

/** A batch from the live channel; `reset` starts over (a new filter's history). */
export interface FeedBatch {
  spans: Span[];
  reset: boolean;
}

export interface FeedState {
  model: FeedModel;
  filters: Filters;
  paused: boolean;
  /** Spans that arrived while paused, latest state per span, applied on resume. */
  buffered: Map<string, Span>;
  /** Spans that arrived while paused and are not shown yet ("N new"). */
  newCount: number;
  /** The first history of the current subscription has been shown. */
  ready: boolean;
  receive(batches: FeedBatch[]): void;
  /** Adds spans fetched from the query API (a backfill for filters the live history misses). */
  backfill(spans: Span[]): void;
  markReady(): void;
  setFilters(filters: Filters): void;
  setPaused(paused: boolean): void;
  togglePaused(): void;
  /** Empties the view; new spans keep coming. Nothing is deleted from the hub. */
  clear(): void;
}

export const useFeed = create<FeedState>()((set, get) => ({
  model: emptyFeed(),
  filters: {},
  paused: false,
  buffered: new Map(),
  newCount: 0,
  ready: false,

  receive(batches) {
    const state = get();
    const matches = (span: Span) => matchesFilters(span, state.filters);
    let { model, newCount } = state;
    const { buffered } = state;
    for (const batch of batches) {
      if (batch.reset) {
        model = emptyFeed();
        buffered.clear();
        newCount = 0;
        // The first history page is shown even while paused: it is what the new filter means.
        model = applySpans(model, batch.spans, matches);
        continue;
      }
      if (!state.paused) {
        model = applySpans(model, batch.spans, matches);
        continue;
      }
      for (const span of batch.spans) {
        if (!matches(span)) continue;
        if (!buffered.has(span.spanId) && !model.byId.has(span.spanId)) newCount++;
        buffered.delete(span.spanId);
        buffered.set(span.spanId, span);
      }
      // Keep memory bounded during a long pause: the oldest buffered spans go first.
      if (buffered.size > FEED_CAP) {
        const excess = buffered.size - FEED_CAP;
        let i = 0;
        for (const id of buffered.keys()) {
          if (i++ >= excess) break;
          buffered.delete(id);
        }
      }
    }
    if (model !== state.model || newCount !== state.newCount) set({ model, newCount });
  },

  backfill(spans) {
    const state = get();
    const model = applySpans(state.model, spans, (span) => matchesFilters(span, state.filters));
    if (model !== state.model) set({ model });
  },

  markReady() {
    if (!get().ready) set({ ready: true });
  },

  setFilters(filters) {
    get().buffered.clear();
    set({ filters, model: emptyFeed(), newCount: 0, ready: false });
  },

  setPaused(paused) {
    const state = get();
    if (paused === state.paused) return;
    if (paused) {
      set({ paused: true, newCount: 0 });
      return;
    }
    const spans = [...state.buffered.values()];
    state.buffered.clear();
    const model = applySpans(state.model, spans, (span) => matchesFilters(span, state.filters));
    set({ paused: false, newCount: 0, model });
  },

  togglePaused() {
    get().setPaused(!get().paused);
  },

  clear() {
    get().buffered.clear();
    set({ model: emptyFeed(), newCount: 0 });
  },
}));
