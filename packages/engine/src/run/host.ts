import type { RunRecord, RunResponse, StepRecord } from '@runtime-hub/protocol';
import type { NodeRegistry } from '../nodes/registry.js';
import type { CallRequest, CallResult, NodeServices } from '../nodes/types.js';
import type { Clock, EngineLogger, IdSource, RunStore, SpanSink } from '../ports.js';
import type { RunLimits } from './limits.js';

/** How the engine knows a run's driver. */
export interface DriverRef {
  readonly run: RunRecord;
  /** Masks the run's secrets and the values derived from them. */
  redact<T>(value: T): T;
}

/** What a driver needs from the engine that owns it. */
export interface DriverHost {
  clock: Clock;
  ids: IdSource;
  store: RunStore;
  spans?: SpanSink;
  log?: EngineLogger;
  registry: NodeRegistry;
  limits: RunLimits;
  /** Lets the event loop run other callbacks; awaited between slices of a long wave. */
  yieldTurn(): Promise<void>;
  services: Omit<NodeServices, 'callWorkflow'>;
  secrets(project: string): Record<string, string>;
  callWorkflow(driver: DriverRef, step: StepRecord, request: CallRequest): Promise<CallResult>;
  onFinished(driver: DriverRef): void;
  onResponse(driver: DriverRef, response: RunResponse): void;
}

