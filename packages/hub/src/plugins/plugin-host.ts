import type { Worker } from 'node:worker_threads';
import type { Span } from '@runtime-hub/protocol';
import { spanHead } from '../live/span-summary.js';
import { spawnThread } from '../threads/spawn.js';
import type { Finding, PluginRequest, PluginSpan, WidgetSpec } from './plugin-api.js';
import type { FromHost, ToHost } from './plugin-messages.js';

/** Where a plugin comes from: a file in `<data>/plugins/`, a package or a built-in. */
export interface PluginSource {
  /** What the user named: a file path, a package name or `builtin:<name>`. */
  source: string;
  /** The module to import (a file: URL or a package specifier). */
  url: string;
  settings: Record<string, unknown>;
}

export interface PluginLimits {
  /** setup() must have returned by then. */
  setupMs: number;
  /** One batch's analysis must have returned by then; else the plugin counts as hung. */
  batchMs: number;
  /** A route must answer by then (502 otherwise; the plugin stays on). */
  requestMs: number;
  /** Spans waiting for the plugin beyond this are dropped (and counted), never buffered without bound. */
  maxQueuedSpans: number;
}

export const DEFAULT_PLUGIN_LIMITS: PluginLimits = { setupMs: 10_000, batchMs: 5_000, requestMs: 5_000, maxQueuedSpans: 20_000 };

export interface PluginStatus {
  name: string;
  source: string;
  state: 'starting' | 'running' | 'disabled';
  /** Why it is disabled. */
  error?: string;
  version?: string;
  description?: string;
  routes: string[];
  widgets: WidgetSpec[];
  stats: { batches: number; spans: number; findings: number; droppedSpans: number; lastBatchMs: number | null };
  /** The plugin's own log lines, newest last (at most 50). */
  log: string[];
}

/** Span fields a plugin sees; payloads only when one of its analyzers asked. */
function forPlugin(span: Span, payloads: boolean): PluginSpan {
  const out: PluginSpan = spanHead(span);
  if (span.error) out.error = { type: span.error.type, message: span.error.message };
  if (span.usage) out.usage = span.usage as PluginSpan['usage'];
  if (payloads) {
    out.input = span.input;
    out.output = span.output;
    out.attributes = span.attributes;
  }
  return out;
}

/**
 * One stored batch as plugins see it. The copy without payloads is made once, on first use, and
 * shared by every plugin that did not ask for payloads (each used to make its own).
 */
export class PluginBatch {
  private shared: PluginSpan[] | undefined;

  constructor(readonly spans: readonly Span[]) {}

  get size(): number {
    return this.spans.length;
  }

  /** Shared between plugins when without payloads: posted (copied) to each thread, never changed here. */
  spansFor(payloads: boolean): PluginSpan[] {
    if (payloads) return this.spans.map((span) => forPlugin(span, true));
    return (this.shared ??= this.spans.map((span) => forPlugin(span, false)));
  }
}

/**
 * One plugin, in its own worker thread. The hub hands it stored spans (`offer`) and requests for
 * its routes (`request`); batches go one at a time, each with a deadline. A plugin that throws,
 * hangs past a deadline or fails to start is terminated and stays disabled with the reason in its
 * status; spans that arrive faster than it analyzes them are dropped and counted.
 */
export class PluginHost {
  readonly status: PluginStatus;
  private worker: Worker | undefined;
  private wantsPayloads = false;
  private queue: PluginBatch[] = [];
  private queuedSpans = 0;
  private inFlight: { id: number; timer: NodeJS.Timeout; started: number; size: number } | undefined;
  private readonly requests = new Map<number, { resolve: (reply: { status: number; body: unknown }) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private ready: Promise<void> | undefined;
  private closing = false;

  constructor(
    private readonly spec: PluginSource,
    private readonly onFindings: (findings: Finding[], status: PluginStatus) => void,
    private readonly limits: PluginLimits = DEFAULT_PLUGIN_LIMITS,
  ) {
    this.status = {
      name: '',
      source: spec.source,
      state: 'starting',
      routes: [],
      widgets: [],
      stats: { batches: 0, spans: 0, findings: 0, droppedSpans: 0, lastBatchMs: null },
      log: [],
    };
  }

  /** Resolves once the plugin is running or disabled; never rejects. */
  start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve) => {
      const worker = spawnThread(import.meta.url, 'plugin-thread', { url: this.spec.url, settings: this.spec.settings });
      this.worker = worker;
      worker.unref();
      const setupTimer = setTimeout(() => {
        this.disable(`hung: setup did not return within ${this.limits.setupMs / 1000} s`);
        resolve();
      }, this.limits.setupMs);
      worker.on('message', (message: ToHost) => {
        if (message.type === 'ready' || message.type === 'setup-failed') {
          clearTimeout(setupTimer);
          if (message.type === 'ready') this.started(message);
          else this.disable(message.error);
          resolve();
          return;
        }
        this.receive(message);
      });
      worker.on('error', (error) => {
        clearTimeout(setupTimer);
        this.disable(`crashed: ${error.name}: ${error.message}`);
        resolve();
      });
      worker.on('exit', (code) => {
        clearTimeout(setupTimer);
        if (!this.closing && this.status.state !== 'disabled') this.disable(`its thread exited (code ${code})`);
        resolve();
      });
    });
    return this.ready;
  }

  /** Queues a stored batch for the plugin; never blocks, never throws. */
  offer(batch: PluginBatch): void {
    if (this.status.state === 'disabled') return;
    const room = this.limits.maxQueuedSpans - this.queuedSpans;
    if (batch.size > room) {
      this.status.stats.droppedSpans += batch.size - Math.max(0, room);
      if (room <= 0) return;
      batch = new PluginBatch(batch.spans.slice(0, room));
    }
    this.queue.push(batch);
    this.queuedSpans += batch.size;
    this.pump();
  }

  /** Forwards a request to one of the plugin's routes. */
  request(request: PluginRequest): Promise<{ status: number; body: unknown }> {
    if (this.status.state !== 'running' || !this.worker) {
      return Promise.resolve({ status: 503, body: { error: { code: 'PLUGIN_DISABLED', message: `plugin ${this.status.name || this.spec.source} is ${this.status.state}${this.status.error ? `: ${this.status.error}` : ''}` } } });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.requests.delete(id);
        resolve({ status: 502, body: { error: { code: 'PLUGIN_FAILED', message: `route ${request.method} ${request.path} did not answer within ${this.limits.requestMs / 1000} s` } } });
      }, this.limits.requestMs);
      this.requests.set(id, { resolve, timer });
      this.post({ type: 'request', id, request });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.failPending('the hub is shutting down');
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private started(message: Extract<ToHost, { type: 'ready' }>): void {
    Object.assign(this.status, {
      name: message.plugin.name,
      version: message.plugin.version,
      description: message.plugin.description,
      routes: message.routes,
      widgets: message.widgets,
      state: 'running',
    });
    this.wantsPayloads = message.wantsPayloads;
    this.pump();
  }

  private receive(message: ToHost): void {
    if (message.type === 'log') {
      this.status.log.push(message.message);
      if (this.status.log.length > 50) this.status.log.shift();
    } else if (message.type === 'done' || message.type === 'failed') {
      if (this.inFlight?.id !== message.id) return;
      clearTimeout(this.inFlight.timer);
      const { started, size } = this.inFlight;
      this.inFlight = undefined;
      if (message.type === 'failed') {
        this.disable(message.error);
        return;
      }
      const stats = this.status.stats;
      stats.batches++;
      stats.spans += size;
      stats.lastBatchMs = Date.now() - started;
      if (message.findings.length > 0) {
        stats.findings += message.findings.length;
        this.onFindings(message.findings, this.status);
      }
      this.pump();
    } else if (message.type === 'reply') {
      const waiting = this.requests.get(message.id);
      if (!waiting) return;
      clearTimeout(waiting.timer);
      this.requests.delete(message.id);
      waiting.resolve({ status: message.status, body: message.body });
    }
  }

  /** Sends the next batch when the plugin is idle. */
  private pump(): void {
    if (this.status.state !== 'running' || this.inFlight || this.queue.length === 0) return;
    const batches = this.queue;
    this.queue = [];
    this.queuedSpans = 0;
    const spans = batches.length === 1 ? batches[0]!.spansFor(this.wantsPayloads) : batches.flatMap((b) => b.spansFor(this.wantsPayloads));
    const id = this.nextId++;
    const timer = setTimeout(() => this.disable(`hung: its span analyzer did not finish a batch of ${spans.length} spans within ${this.limits.batchMs / 1000} s`), this.limits.batchMs);
    this.inFlight = { id, timer, started: Date.now(), size: spans.length };
    this.post({ type: 'spans', id, spans });
  }

  private post(message: FromHost): void {
    try {
      this.worker?.postMessage(message);
    } catch (error) {
      this.disable(`could not be sent a message: ${(error as Error).message}`);
    }
  }

  /** Stops the plugin for good, with the reason shown in its status. */
  disable(reason: string): void {
    if (this.status.state === 'disabled') return;
    this.status.state = 'disabled';
    this.status.error = reason;
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = undefined;
    this.status.stats.droppedSpans += this.queuedSpans;
    this.queue = [];
    this.queuedSpans = 0;
    this.failPending(`plugin disabled: ${reason}`);
    const worker = this.worker;
    this.worker = undefined;
    // A hung thread is stopped, not waited for: terminate interrupts even an endless loop.
    void worker?.terminate();
  }

  private failPending(message: string): void {
    for (const [id, waiting] of this.requests) {
      clearTimeout(waiting.timer);
      waiting.resolve({ status: 503, body: { error: { code: 'PLUGIN_DISABLED', message } } });
      this.requests.delete(id);
    }
  }
}
