import { FINISHED_RUN_STATUSES, WORKFLOW_LIMITS } from '@runtime-hub/protocol';
import type { ProjectDefinition, RunRecord, RunResponse, StepRecord, TriggerData, WorkflowDefinition } from '@runtime-hub/protocol';
import { permanent } from '../errors.js';
import { compileGraph } from '../graph/compile.js';
import type { CompiledGraph } from '../graph/compile.js';
import { createRegistry } from '../nodes/registry.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { CallRequest, CallResult } from '../nodes/types.js';
import type {
  Clock,
  CodeSandbox,
  EngineLogger,
  HttpClient,
  IdSource,
  LlmClient,
  MailSender,
  RunQuery,
  RunStore,
  SecretSource,
  ShellRunner,
  SpanSink,
  WorkflowSource,
} from '../ports.js';
import { RunDriver } from './driver.js';
import type { DriverHost, DriverRef } from './host.js';
import { Redactor } from './redact.js';
import { EngineError } from './engine-error.js';
import { inputOverrideProblem, rerunSeeds } from './rerun.js';
import { replayOwedSpans } from './span-replay.js';
import { runLimits } from './limits.js';
import type { RunLimits } from './limits.js';

export { EngineError } from './engine-error.js';

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

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

interface Compiled {
  definition: WorkflowDefinition;
  graph: CompiledGraph;
}

/**
 * The workflow engine: starts, resumes, cancels and re-runs runs; each run is driven by a
 * {@link RunDriver}. All I/O goes through the ports in {@link EngineOptions}.
 *
 * @example
 *   const engine = new Engine({ clock, ids, store, workflows, spans, http });
 *   await engine.start();                                   // resumes runs a crash interrupted
 *   const run = await engine.startRun({ project: 'demo', workflow: 'greet', trigger: { type: 'manual', body: {} } });
 *   const done = await engine.waitForRun(run.id);
 */
export class Engine {
  readonly registry: NodeRegistry;
  private readonly drivers = new Map<string, RunDriver>();
  private readonly runWaiters = new Map<string, Waiter<RunRecord>[]>();
  private readonly responseWaiters = new Map<string, Waiter<{ response?: RunResponse; run?: RunRecord }>[]>();
  private readonly active = new Map<string, number>();
  private readonly queued = new Map<string, string[]>();
  private readonly compiled = new Map<string, Compiled>();
  private readonly host: DriverHost;
  private stopped = false;

  constructor(private readonly options: EngineOptions) {
    this.registry = options.registry ?? createRegistry();
    this.host = {
      clock: options.clock,
      ids: options.ids,
      store: options.store,
      spans: options.spans,
      log: options.log,
      registry: this.registry,
      limits: runLimits(options.limits),
      yieldTurn: options.yieldTurn ?? nextTurn,
      services: { http: options.http, shell: options.shell, sandbox: options.sandbox, llm: options.llm, mail: options.mail },
      secrets: (project) => options.secrets?.values(project) ?? {},
      callWorkflow: (driver, step, request) => this.callWorkflow(driver, step, request),
      onFinished: (driver) => this.onFinished(driver),
      onResponse: (driver, response) => this.notifyResponse(driver.run.id, { response }),
    };
  }

  /** Runs in memory right now (running or waiting). */
  get activeRuns(): number {
    return this.drivers.size;
  }

  /** Resumes every unfinished run: in-flight ones from their last finished node, queued ones in order. */
  async start(): Promise<void> {
    if (this.options.mode === 'dispatch') return; // the workers resume runs
    if (this.options.mode === 'worker') return void (await this.replayOwedSpans());
    const runs = await this.options.store.listUnfinishedRuns();
    const keys = new Set<string>();
    for (const run of runs) {
      const key = `${run.project}/${run.workflow}`;
      keys.add(key);
      if (run.status === 'queued') {
        this.queueOf(key).push(run.id);
        continue;
      }
      const target = await this.resolve(run.project, run.workflow, run.version).catch(() => undefined);
      const project = this.options.workflows.getProject(run.project);
      if (!target || !project) {
        await this.failUnresumable(run);
        continue;
      }
      const driver = this.track(run, target, project);
      const steps = await this.options.store.listSteps(run.id);
      await driver.resume(steps);
    }
    for (const key of keys) await this.fillSlots(key);
    await this.replayOwedSpans();
  }

  /** Re-emits the spans of finished runs that still owe them (a worker also does it now and then: a killed one's debts). */
  replayOwedSpans(): Promise<number> {
    return replayOwedSpans(this.host, (run) => this.resolve(run.project, run.workflow, run.version).then((c) => c.definition, () => undefined));
  }

  /**
   * Stops: nothing new starts; executions still running get `graceMs` to finish and record;
   * everything else resumes on the next start.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopped = true;
    for (const driver of this.drivers.values()) driver.drain();
    const deadline = this.options.clock.now() + graceMs;
    while (graceMs > 0 && this.options.clock.now() < deadline && [...this.drivers.values()].some((d) => d.executingCount() > 0)) {
      await new Promise<void>((resolve) => {
        const timer = this.options.clock.setTimer(this.options.clock.now() + 20, resolve);
        void timer;
      });
    }
    const stopping = new EngineError('ENGINE_STOPPED', 'the workflow engine stopped; the run resumes when it starts again');
    for (const driver of this.drivers.values()) driver.stop(stopping);
    this.drivers.clear();
    for (const waiters of [...this.runWaiters.values(), ...this.responseWaiters.values()]) for (const waiter of waiters) waiter.reject(stopping);
    this.runWaiters.clear();
    this.responseWaiters.clear();
  }

  private queueOf(key: string): string[] {
    let queue = this.queued.get(key);
    if (!queue) this.queued.set(key, (queue = []));
    return queue;
  }

  private async resolve(project: string, workflow: string, version?: number): Promise<Compiled> {
    const current = this.options.workflows.getWorkflow(project, workflow);
    const wanted = version ?? current?.version ?? 0;
    const key = `${project}/${workflow}@${wanted}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const definition =
      current && (current.version ?? 0) === wanted ? current : await this.options.workflows.getWorkflowVersion(project, workflow, wanted);
    if (!definition) {
      throw new EngineError('WORKFLOW_NOT_FOUND', version === undefined ? `no workflow "${workflow}" in project "${project}"` : `workflow "${workflow}" has no version ${version}`);
    }
    const compiled = { definition, graph: compileGraph(definition) };
    if (this.compiled.size > 5000) this.compiled.clear();
    this.compiled.set(key, compiled);
    return compiled;
  }

  private track(run: RunRecord, target: Compiled, project: ProjectDefinition): RunDriver {
    const driver = new RunDriver(this.host, run, target.definition, target.graph, project);
    this.drivers.set(run.id, driver);
    const key = `${run.project}/${run.workflow}`;
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    return driver;
  }

  private async failUnresumable(run: RunRecord): Promise<void> {
    const failed: RunRecord = {
      ...run,
      status: 'failed',
      endedAt: this.options.clock.now(),
      error: { code: 'WORKFLOW_NOT_FOUND', message: `workflow "${run.workflow}" version ${run.version} is gone; the run cannot resume`, retryable: false },
    };
    // Owes its spans: the replay at the end of start() ends its run span too.
    await this.options.store.commit({ runs: [failed], owingSpans: [run.id] });
    this.options.log?.warn('workflow run could not resume', { runId: run.id, workflow: run.workflow });
  }

  /** Starts a run, or queues it when the workflow is at its concurrency limit. Resolves once it is durable. */
  async startRun(request: StartRunRequest, seeds: StepRecord[] = [], rerun?: { of: string; from?: string; input?: unknown }): Promise<RunRecord> {
    if (this.stopped) throw new EngineError('ENGINE_STOPPED', 'the workflow engine is stopping');
    const project = this.options.workflows.getProject(request.project);
    if (!project) throw new EngineError('PROJECT_NOT_FOUND', `no project "${request.project}"`);
    const target = await this.resolve(request.project, request.workflow, request.version);
    if (request.runId) {
      const existing = this.drivers.get(request.runId)?.run ?? (await this.options.store.getRun(request.runId));
      if (existing) {
        // A worker resuming a caller also resumes the run it called: both belong to the caller's job.
        if (this.options.mode === 'worker' && !FINISHED_RUN_STATUSES.includes(existing.status)) void this.drive(existing.id).catch(() => undefined);
        return structuredClone(existing);
      }
    }
    const size = JSON.stringify(request.trigger)?.length ?? 0;
    if (size > WORKFLOW_LIMITS.maxTriggerBytes) {
      throw new EngineError('TRIGGER_TOO_LARGE', `the trigger data is ${size} bytes; the limit is ${WORKFLOW_LIMITS.maxTriggerBytes}`);
    }
    const depth = request.parent ? request.parent.run.depth + 1 : 0;
    if (depth > WORKFLOW_LIMITS.maxCallDepth) {
      throw new EngineError('CALL_DEPTH_EXCEEDED', `workflow calls nested deeper than ${WORKFLOW_LIMITS.maxCallDepth} levels`);
    }
    const id = request.runId ?? this.options.ids.runId();
    const redactor = new Redactor(this.host.secrets(request.project));
    const parent = request.parent;
    const run: RunRecord = {
      id,
      project: request.project,
      workflow: request.workflow,
      version: target.definition.version ?? 0,
      status: 'queued',
      trigger: redactor.value(request.trigger),
      createdAt: this.options.clock.now(),
      traceId: parent?.run.traceId ?? id,
      spanId: this.options.ids.spanId(),
      rootRunId: parent?.run.rootRunId ?? id,
      depth,
    };
    if (parent) {
      run.parentSpanId = parent.spanId;
      run.parentRunId = parent.run.id;
      run.parentNodeId = parent.nodeId;
    }
    if (rerun) {
      run.rerunOf = rerun.of;
      if (rerun.from !== undefined) run.rerunFrom = rerun.from;
      if (rerun.input !== undefined) run.rerunInput = redactor.value(rerun.input);
    }
    const seeded = seeds.map((s, i) => ({ ...s, runId: id, spanId: this.options.ids.spanId(), seq: i + 1, reused: true }));
    if (this.options.mode === 'dispatch') {
      // An outbox: no worker hears of the run before it is committed (n8n #24274).
      await this.options.store.commit({ runs: [run], steps: seeded });
      await this.options.dispatch?.(structuredClone(run)).catch((error: unknown) => {
        this.options.log?.warn('run committed but not handed to a worker yet; the outbox relay retries', { runId: id, error: (error as Error).message });
      });
      return structuredClone(run);
    }
    const key = `${run.project}/${run.workflow}`;
    const limit = target.definition.settings.maxConcurrentRuns;
    if (limit !== undefined && ((this.active.get(key) ?? 0) >= limit || this.queueOf(key).length > 0)) {
      await this.options.store.commit({ runs: [run], steps: seeded });
      this.queueOf(key).push(id);
      return structuredClone(run);
    }
    const driver = this.track(run, target, project);
    await driver.begin(seeded);
    return { ...driver.run };
  }

  /**
   * Drives one run to its end in this process (a worker's job): a queued run begins, an
   * interrupted one resumes from its last finished step. Resolves with the finished run.
   */
  async drive(runId: string): Promise<RunRecord> {
    const run = this.drivers.get(runId)?.run ?? (await this.options.store.getRun(runId));
    if (!run) throw new EngineError('RUN_NOT_FOUND', `no run "${runId}"`);
    if (FINISHED_RUN_STATUSES.includes(run.status)) return run;
    const target = await this.resolve(run.project, run.workflow, run.version).catch(() => undefined);
    const project = this.options.workflows.getProject(run.project);
    const driving = this.drivers.get(runId);
    if (driving) return driving.finishedRun();
    if (!target || !project) {
      await this.failUnresumable(run);
      return (await this.options.store.getRun(runId)) ?? run;
    }
    const driver = this.track(run, target, project);
    const finished = driver.finishedRun();
    const steps = await this.options.store.listSteps(runId);
    await (run.status === 'queued' ? driver.begin(steps) : driver.resume(steps));
    return finished;
  }

  /** Mode `dispatch`: what the worker driving a run reported wakes this engine's waiters. */
  settleRemote(runId: string, answer: { response?: RunResponse; run?: RunRecord }): void {
    if (answer.run) this.resolveRun(runId, answer.run);
    this.notifyResponse(runId, answer);
  }

  private readonly filling = new Map<string, boolean>();

  /** Starts queued runs while the workflow has free slots; one filler per workflow at a time. */
  private async fillSlots(key: string): Promise<void> {
    if (this.filling.has(key)) {
      this.filling.set(key, true);
      return;
    }
    this.filling.set(key, false);
    try {
      do {
        this.filling.set(key, false);
        await this.fillSlotsOnce(key);
      } while (this.filling.get(key) === true);
    } finally {
      this.filling.delete(key);
    }
  }

  private async fillSlotsOnce(key: string): Promise<void> {
    const queue = this.queued.get(key);
    while (queue && queue.length > 0 && !this.stopped) {
      const [project, workflow] = key.split('/') as [string, string];
      const current = this.options.workflows.getWorkflow(project, workflow);
      const limit = current?.settings.maxConcurrentRuns;
      if (limit !== undefined && (this.active.get(key) ?? 0) >= limit) return;
      const id = queue.shift() as string;
      const run = await this.options.store.getRun(id);
      if (!run || run.status !== 'queued') continue;
      const target = await this.resolve(run.project, run.workflow, run.version).catch(() => undefined);
      const projectDef = this.options.workflows.getProject(run.project);
      if (!target || !projectDef) {
        await this.failUnresumable(run);
        this.resolveRun(run.id, { ...run, status: 'failed' });
        continue;
      }
      const steps = await this.options.store.listSteps(id);
      const driver = this.track(run, target, projectDef);
      await driver.begin(steps);
    }
  }

  private onFinished(driver: DriverRef): void {
    const run = driver.run;
    this.drivers.delete(run.id);
    const key = `${run.project}/${run.workflow}`;
    this.active.set(key, Math.max(0, (this.active.get(key) ?? 1) - 1));
    const snapshot = { ...run };
    this.resolveRun(run.id, snapshot);
    this.notifyResponse(run.id, { run: snapshot });
    if (this.queued.get(key)?.length) {
      this.fillSlots(key).catch((error: unknown) => this.options.log?.error('could not start a queued run', { key, error: (error as Error).message }));
    }
  }

  private resolveRun(runId: string, run: RunRecord): void {
    const waiters = this.runWaiters.get(runId);
    this.runWaiters.delete(runId);
    for (const waiter of waiters ?? []) waiter.resolve(run);
  }

  private notifyResponse(runId: string, answer: { response?: RunResponse; run?: RunRecord }): void {
    const waiters = this.responseWaiters.get(runId);
    this.responseWaiters.delete(runId);
    for (const waiter of waiters ?? []) waiter.resolve(answer);
  }

  /** Resolves with the run once it has finished (succeeded, failed or cancelled). */
  async waitForRun(runId: string): Promise<RunRecord> {
    const driver = this.drivers.get(runId);
    if (driver) return driver.finishedRun();
    const run = await this.options.store.getRun(runId);
    if (!run) throw new EngineError('RUN_NOT_FOUND', `no run "${runId}"`);
    if (FINISHED_RUN_STATUSES.includes(run.status)) return run;
    const again = this.drivers.get(runId);
    if (again) return again.finishedRun();
    return new Promise((resolve, reject) => {
      const list = this.runWaiters.get(runId) ?? [];
      list.push({ resolve, reject });
      this.runWaiters.set(runId, list);
    });
  }

  /**
   * Resolves as soon as the run has an HTTP answer: a respond node ran (`response`), or the run
   * finished (`run`).
   */
  async waitForResponse(runId: string): Promise<{ response?: RunResponse; run?: RunRecord }> {
    const driver = this.drivers.get(runId);
    if (driver?.run.response) return { response: driver.run.response };
    if (!driver) {
      const run = await this.options.store.getRun(runId);
      if (!run) throw new EngineError('RUN_NOT_FOUND', `no run "${runId}"`);
      if (FINISHED_RUN_STATUSES.includes(run.status)) return { run };
    }
    return new Promise((resolve, reject) => {
      const list = this.responseWaiters.get(runId) ?? [];
      list.push({ resolve, reject });
      this.responseWaiters.set(runId, list);
    });
  }

  async getRun(runId: string): Promise<{ run: RunRecord; steps: StepRecord[] } | undefined> {
    const run = await this.options.store.getRun(runId);
    if (!run) return undefined;
    return { run, steps: await this.options.store.listSteps(runId) };
  }

  listRuns(query: RunQuery): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    return this.options.store.listRuns(query);
  }

  /** Cancels a queued, running or waiting run, and the runs its nodes called. */
  async cancel(runId: string, reason = 'cancelled by request'): Promise<RunRecord> {
    const driver = this.drivers.get(runId);
    if (driver) {
      await driver.cancel(reason);
      return structuredClone(driver.run);
    }
    const run = await this.options.store.getRun(runId);
    if (!run) throw new EngineError('RUN_NOT_FOUND', `no run "${runId}"`);
    if (FINISHED_RUN_STATUSES.includes(run.status)) throw new EngineError('RUN_FINISHED', `run "${runId}" has already ${run.status}`);
    const cancelled: RunRecord = { ...run, status: 'cancelled', endedAt: this.options.clock.now(), error: { code: 'CANCELLED', message: reason, retryable: false } };
    await this.options.store.commit({ runs: [cancelled] });
    for (const queue of this.queued.values()) {
      const at = queue.indexOf(runId);
      if (at >= 0) queue.splice(at, 1);
    }
    this.resolveRun(runId, cancelled);
    this.notifyResponse(runId, { run: cancelled });
    if (this.options.mode === 'dispatch') {
      await this.options.cancelRemote?.(runId, reason).catch((error: unknown) => {
        this.options.log?.warn('run cancelled, but its worker could not be told', { runId, error: (error as Error).message });
      });
    }
    return cancelled;
  }

  /**
   * Starts a new run with the same trigger data. With `fromNode`, the recorded results of every
   * node that is not downstream of it are reused (not executed again) — a partial re-run.
   */
  async rerun(runId: string, options: RerunOptions = {}): Promise<RunRecord> {
    const original = await this.options.store.getRun(runId);
    if (!original) throw new EngineError('RUN_NOT_FOUND', `no run "${runId}"`);
    if (!FINISHED_RUN_STATUSES.includes(original.status)) throw new EngineError('RUN_NOT_FINISHED', `run "${runId}" is still ${original.status}`);
    const version = options.version === 'current' ? undefined : original.version;
    const target = await this.resolve(original.project, original.workflow, version);
    let seeds: StepRecord[] = [];
    if (options.fromNode !== undefined) {
      const result = rerunSeeds(target.graph, await this.options.store.listSteps(runId), options.fromNode);
      if ('problem' in result) throw new EngineError('INVALID_RERUN', result.problem);
      seeds = result.seeds;
    }
    if (options.input !== undefined) {
      const problem = inputOverrideProblem(target.graph, options.fromNode);
      if (problem) throw new EngineError('INVALID_RERUN', problem);
      const size = JSON.stringify(options.input)?.length ?? 0;
      if (size > WORKFLOW_LIMITS.maxTriggerBytes) throw new EngineError('TRIGGER_TOO_LARGE', `the edited input is ${size} bytes; the limit is ${WORKFLOW_LIMITS.maxTriggerBytes}`);
    }
    const trigger = original.trigger;
    return this.startRun(
      { project: original.project, workflow: original.workflow, trigger, version: target.definition.version ?? 0 },
      seeds,
      { of: original.id, from: options.fromNode, input: options.input },
    );
  }

  private async callWorkflow(driver: DriverRef, step: StepRecord, request: CallRequest): Promise<CallResult> {
    const caller = driver.run;
    let child: RunRecord;
    try {
      child = await this.startRun({
        project: caller.project,
        workflow: request.workflow,
        // Values the caller derived from its secrets stay masked in the called run's history.
        trigger: { type: 'call', body: driver.redact(request.input ?? null), callerRunId: caller.id, callerNodeId: step.nodeId },
        runId: step.childRunId,
        parent: { run: caller, nodeId: step.nodeId, spanId: step.spanId },
      });
    } catch (error) {
      if (error instanceof EngineError) throw permanent(error.code === 'WORKFLOW_NOT_FOUND' ? 'CONFIG_INVALID' : error.code, error.message, 'workflow');
      throw error;
    }
    if (!request.wait) return { runId: child.id, status: child.status };
    const onAbort = () => {
      if (!this.stopped) void this.cancel(child.id, `the calling node "${step.nodeId}" of run ${caller.id} was cancelled`).catch(() => undefined);
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const finished = await this.waitForRun(child.id);
      return { runId: child.id, status: finished.status, output: finished.status === 'succeeded' ? finished.output : finished.error };
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
  }
}
