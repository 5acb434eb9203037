import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Span } from '@runtime-hub/protocol';
import type { IngestResult } from '../ingest/ingest.js';

/** What the gauges read at scrape time. */
export interface GaugeSources {
  liveClients(): number;
  liveQueuedSpans(): number;
  spansStored(): number;
  databaseBytes(): Record<string, number>;
  alertsFiring(): number;
}

/**
 * The hub's Prometheus metrics, in a registry of its own (several hubs in one process stay apart).
 * Counters move on ingest; gauges are read when Prometheus scrapes, so an idle hub does no work.
 */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly accepted = new Counter({ name: 'runtime_hub_ingest_spans_total', help: 'Span records accepted and stored, from every source', registers: [this.registry] });
  private readonly rejected = new Counter({ name: 'runtime_hub_ingest_rejected_total', help: 'Span records rejected, by error code (docs/errors.md)', labelNames: ['code'], registers: [this.registry] });
  private readonly writeSeconds = new Histogram({
    name: 'runtime_hub_store_write_seconds',
    help: 'Time one ingest batch took to commit in the span store',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly workflowRuns = new Counter({ name: 'runtime_hub_workflow_runs_total', help: 'Workflow runs that ended, by status', labelNames: ['status'], registers: [this.registry] });

  constructor(sources: GaugeSources) {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    gauge('runtime_hub_live_clients', 'Dashboard and API clients connected to the live channel', sources.liveClients);
    gauge('runtime_hub_live_queued_spans', 'Spans waiting for the next live broadcast', sources.liveQueuedSpans);
    gauge('runtime_hub_spans_stored', 'Spans in the span store', sources.spansStored);
    gauge('runtime_hub_alerts_firing', 'Alerts firing now', sources.alertsFiring);
    new Gauge({
      name: 'runtime_hub_database_bytes',
      help: 'Bytes on disk per database (spans, analytics rollups)',
      labelNames: ['database'],
      registers: [this.registry],
      collect() {
        for (const [database, bytes] of Object.entries(sources.databaseBytes())) this.set({ database }, bytes);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'runtime_hub_' });
  }

  onIngest(result: IngestResult, writeMs: number): void {
    if (result.accepted > 0) this.accepted.inc(result.accepted);
    for (const rejection of result.rejected) this.rejected.inc({ code: rejection.code });
    this.writeSeconds.observe(writeMs / 1000);
  }

  onSpans(spans: readonly Span[]): void {
    for (const span of spans) {
      if (span.kind !== 'workflow' || span.endTime === null || span.parentSpanId !== null) continue;
      const status = span.attributes?.['workflow.run.status'];
      this.workflowRuns.inc({ status: typeof status === 'string' ? status : span.status });
    }
  }
}
