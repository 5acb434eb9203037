import { FINISHED_RUN_STATUSES, WORKFLOW_LIMITS } from '@runtime-hub/protocol';
import type { ProjectDefinition, RunRecord, StepRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { permanent } from '../errors.js';
import { compileGraph } from '../graph/compile.js';
import type { CompiledGraph } from '../graph/compile.js';
import { createRegistry } from '../nodes/registry.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { CallRequest, CallResult } from '../nodes/types.js';
import type { RunQuery } from '../ports.js';
import { RunDriver } from './driver.js';
import type { DriverHost, DriverRef } from './host.js';
import { Redactor } from './redact.js';
import { EngineError } from './engine-error.js';
import { rerunPlan } from './rerun.js';
import { replayOwedSpans } from './span-replay.js';
import { runLimits } from './limits.js';
import type { EngineOptions, RerunOptions, StartRunRequest } from './engine-options.js';
import { newRunRecord, seededSteps } from './new-run.js';
import { WorkflowSlots } from './slots.js';
import { RunWaiters } from './waiters.js';
import type { RunAnswer } from './waiters.js';

export { EngineError } from './engine-error.js';
export type { EngineOptions, RerunOptions, StartRunRequest } from './engine-options.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
  private readonly waiters = new RunWaiters();
  private readonly slots = new WorkflowSlots();
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
      onResponse: (driver, response) => this.waiters.answered(driver.run.id, { response }),
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
      const key = WorkflowSlots.key(run);
      keys.add(key);
      if (run.status === 'queued') {
        this.slots.enqueue(key, run.id);
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
    this.waiters.rejectAll(stopping);
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
    this.slots.taken(WorkflowSlots.key(run));
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
    const run = newRunRecord(
      { ...request, id, version: target.definition.version ?? 0, createdAt: this.options.clock.now(), rerun },
      this.options.ids,
      new Redactor(this.host.secrets(request.project)),
    );
    const seeded = seededSteps(seeds, id, this.options.ids);
    if (this.options.mode === 'dispatch') {
      // An outbox: no worker hears of the run before it is committed (n8n #24274).
      await this.options.store.commit({ runs: [run], steps: seeded });
      await this.options.dispatch?.(structuredClone(run)).catch((error: unknown) => {
        this.options.log?.warn('run committed but not handed to a worker yet; the outbox relay retries', { runId: id, error: (error as Error).message });
      });
      return structuredClone(run);
    }
    const key = WorkflowSlots.key(run);
    if (this.slots.mustQueue(key, target.definition.settings.maxConcurrentRuns)) {
      await this.options.store.commit({ runs: [run], steps: seeded });
      this.slots.enqueue(key, id);
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
  settleRemote(runId: string, answer: RunAnswer): void {
    if (answer.run) this.waiters.runFinished(runId, answer.run);
    this.waiters.answered(runId, answer);
  }

  /** Starts queued runs while the workflow has free slots; one filler per workflow at a time. */
  private fillSlots(key: string): Promise<void> {
    return this.slots.fill(key, (k) => this.fillSlotsOnce(k));
  }

  private async fillSlotsOnce(key: string): Promise<void> {
    while (this.slots.hasQueued(key) && !this.stopped) {
      const [project, workflow] = key.split('/') as [string, string];
      const limit = this.options.workflows.getWorkflow(project, workflow)?.settings.maxConcurrentRuns;
      if (limit !== undefined && this.slots.activeCount(key) >= limit) return;
      const id = this.slots.next(key) as string;
      const run = await this.options.store.getRun(id);
      if (!run || run.status !== 'queued') continue;
      const target = await this.resolve(run.project, run.workflow, run.version).catch(() => undefined);
      const projectDef = this.options.workflows.getProject(run.project);
      if (!target || !projectDef) {
        await this.failUnresumable(run);
        this.waiters.runFinished(run.id, { ...run, status: 'failed' });
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
    const key = WorkflowSlots.key(run);
    this.slots.released(key);
    const snapshot = { ...run };
    this.waiters.runFinished(run.id, snapshot);
    this.waiters.answered(run.id, { run: snapshot });
    if (this.slots.hasQueued(key)) {
      this.fillSlots(key).catch((error: unknown) => this.options.log?.error('could not start a queued run', { key, error: (error as Error).message }));
    }
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
    return this.waiters.forRun(runId);
  }

  /**
   * Resolves as soon as the run has an HTTP answer: a respond node ran (`response`), or the run
   * finished (`run`).
   */
  async waitForResponse(runId: string): Promise<RunAnswer> {
    const driver = this.drivers.get(runId);
    if (driver?.run.response) return { response: driver.run.response };
    if (!driver) {
      const run = await this.options.store.getRun(runId);
      if (!run) throw new EngineError('RUN_NOT_FOUND', `no run "${runId}"`);
      if (FINISHED_RUN_STATUSES.includes(run.status)) return { run };
    }
    return this.waiters.forResponse(runId);
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
    this.slots.remove(runId);
    this.waiters.runFinished(runId, cancelled);
    this.waiters.answered(runId, { run: cancelled });
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
    const steps = options.fromNode === undefined ? [] : await this.options.store.listSteps(runId);
    const seeds = rerunPlan(target.graph, steps, options);
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
