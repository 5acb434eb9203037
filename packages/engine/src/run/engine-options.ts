import type { TriggerData, RunRecord } from '@runtime-hub/protocol';
import type { NodeRegistry } from '../nodes/registry.js';
import type {
  Clock,
  CodeSandbox,
  EngineLogger,
  HttpClient,
  IdSource,
  LlmClient,
  MailSender,
  RunStore,
  SecretSource,
  ShellRunner,
  SpanSink,
  WorkflowSource,
} from '../ports.js';
import type { RunLimits } from './limits.js';

export interface EngineOptions {
  clock: Clock;
  ids: IdSource;
  store: RunStore;
  workflows: WorkflowSource;
  secrets?: SecretSource;
  spans?: SpanSink;
  log?: EngineLogger;
  http?: HttpClient;
  shell?: ShellRunner;
  sandbox?: CodeSandbox;
  llm?: LlmClient;
  mail?: MailSender;
  registry?: NodeRegistry;
  /** What one run may do (loop items, activations); defaults in `run/limits.ts`. */
  limits?: Partial<RunLimits>;
  /** Lets the event loop run between slices of a long wave; default: one `setImmediate` turn. */
  yieldTurn?: () => Promise<void>;
  /**
   * Scaled mode (docs/scaling.md). `dispatch` (a hub): new runs are committed as queued and handed
   * to `dispatch`, none is driven here. `worker`: drives the runs `drive()` is given and the runs
   * they call. Default `embedded`: this engine drives every run and resumes them all on start.
   */
  mode?: 'embedded' | 'dispatch' | 'worker';
  /** Mode `dispatch`: hands a committed, queued run to the workers. */
  dispatch?: (run: RunRecord) => Promise<void>;
  /** Mode `dispatch`: tells the worker driving a run that it was cancelled (after the cancel is committed). */
  cancelRemote?: (runId: string, reason: string) => Promise<void>;
}

export interface StartRunRequest {
  project: string;
  workflow: string;
  trigger: TriggerData;
  /** Default: the current version. */
  version?: number;
  /** Makes the start idempotent: an existing run with this id is returned as it is. */
  runId?: string;
  parent?: { run: RunRecord; nodeId: string; spanId: string };
}

export interface RerunOptions {
  /** Re-run from this node, reusing the recorded outputs of everything not downstream of it. */
  fromNode?: string;
  /** `current`: run the workflow's current version instead of the one the run used. */
  version?: 'same' | 'current';
  /** An edited input for `fromNode` (its first activation gets it instead of what upstream delivered). */
  input?: unknown;
}
