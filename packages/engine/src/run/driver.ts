import { WORKFLOW_LIMITS } from '@runtime-hub/protocol';
import type {
  Attributes,
  Failure,
  NodeDefinition,
  ProjectDefinition,
  RunRecord,
  StepRecord,
  WorkflowDefinition,
} from '@runtime-hub/protocol';
import { isNonRetryable, permanent, toFailure } from '../errors.js';
import type { CompiledGraph } from '../graph/compile.js';
import type { NodeResult, NodeType } from '../nodes/types.js';
import type { Timer } from '../ports.js';
import { backoffDelay, effectivePolicy, hasRetriesLeft, isRetryable } from '../retry/policy.js';
import type { DriverHost } from './host.js';
import { Redactor } from './redact.js';
import { Activator } from './activation.js';
import type { Activation } from './activation.js';
import { Attempts, activationKey } from './attempts.js';
import type { Attempt } from './attempts.js';
import { runAttempt } from './execute.js';
import { SLICE } from './limits.js';
import { openAttempts, replaySteps } from './replay.js';
import { jsonSize, runSpan, stepSpan } from './spans.js';
import { emitInSlices, spansOfRun } from './span-replay.js';
import { Wave } from './wave.js';
import { applyCompletion, createState, settle, startNode } from './state.js';
import type { Action, Completion, RunState } from './state.js';

/**
 * Drives one run: applies completions to the pure {@link RunState}, runs inline nodes at once,
 * starts the others, and persists each wave of changes in one commit before anything that
 * depends on it happens (a node starts, a span is emitted, a caller hears the result).
 */
export class RunDriver {
  readonly state: RunState;
  private readonly activator: Activator;
  /** The failure that ends the run once nothing else is running. */
  private pendingFailure: Failure | undefined;
  private readonly attempts = new Attempts();
  private readonly wave = new Wave();
  private queue: Promise<void> = Promise.resolve();
  private runTimer?: Timer;
  private redactor: Redactor;
  private finishedResolvers: { resolve: (run: RunRecord) => void; reject: (error: unknown) => void }[] = [];
  private lastStatus: RunRecord['status'];
  finished = false;
  stopped = false;
  draining = false;

  constructor(
    private readonly host: DriverHost,
    readonly run: RunRecord,
    readonly definition: WorkflowDefinition,
    readonly graph: CompiledGraph,
    readonly project: ProjectDefinition,
  ) {
    this.state = createState(graph);
    this.redactor = new Redactor(host.secrets(run.project));
    this.activator = new Activator({
      clock: host.clock,
      ids: host.ids,
      registry: host.registry,
      limits: host.limits,
      services: host.services,
      secrets: () => host.secrets(run.project),
      taint: (value, names) => this.redactor.derive(value, names),
      redact: (value) => this.redactor.value(value),
      callWorkflow: (step, request) => host.callWorkflow(this, step, request),
      run,
      definition,
      graph,
      project,
      state: this.state,
    });
    this.lastStatus = run.status;
  }

  redact<T>(value: T): T {
    return this.redactor.value(value);
  }

  /** Resolves with the finished run. */
  finishedRun(): Promise<RunRecord> {
    if (this.finished) return Promise.resolve({ ...this.run });
    return new Promise((resolve, reject) => this.finishedResolvers.push({ resolve, reject }));
  }

  /** Serializes every change to this run. */
  private enqueue(work: () => void | Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.stopped) return;
      await work();
    });
    this.queue = next.catch((error: unknown) => this.broken(error));
    return this.queue;
  }

  private broken(error: unknown): void {
    this.host.log?.error('workflow run stopped after an internal error; it resumes on restart', {
      runId: this.run.id,
      // Masked like everything else leaving the run: a message may quote a value.
      error: this.redactor.text(error instanceof Error ? error.message : String(error)),
    });
    this.stop();
  }

  /** Stops without recording anything: the process is going away; the run resumes on restart. */
  stop(reason: unknown = new Error('the run was stopped')): void {
    this.stopped = true;
    for (const waiter of this.finishedResolvers) waiter.reject(reason);
    this.finishedResolvers = [];
    this.runTimer?.cancel();
    this.attempts.abortAll('the engine is stopping', undefined, false);
  }

  /** Executions still running (waits and retry timers aside). */
  executingCount(): number {
    return this.attempts.executingCount();
  }

  // ---- Starting and resuming -------------------------------------------------------------

  /** Starts a fresh run (or one seeded by a re-run) and commits its first wave. */
  begin(seeds: StepRecord[] = []): Promise<void> {
    return this.enqueue(async () => {
      this.run.status = 'running';
      this.run.startedAt ??= this.host.clock.now();
      this.armRunTimeout();
      this.wave.touchRun();
      this.wave.span(runSpan(this.run, this.definition.name, false));
      for (const seed of seeds) this.putStep(seed);
      const candidates = replaySteps(this.state, seeds, this.run.response);
      candidates.push(this.graph.triggerId, ...this.graph.nodes.keys());
      await this.advance(candidates);
    });
  }

  /** Rebuilds the state from stored steps and continues where the run stopped. */
  resume(steps: StepRecord[]): Promise<void> {
    return this.enqueue(async () => {
      this.armRunTimeout();
      // Spans of committed steps may have been lost with the process: emitted again (upserts).
      await emitInSlices(this.host.spans, spansOfRun(this.run, steps, this.definition), () => this.host.yieldTurn());
      replaySteps(this.state, steps, this.run.response);
      for (const step of openAttempts(this.state, steps)) {
        startNode(this.state, step.nodeId, step.visit);
        if (step.status === 'waiting' && step.dueAt !== undefined) this.armWait(step);
        else if (step.status === 'failed' && step.retryAt !== undefined) this.armRetry(step);
        else if (step.status === 'running') {
          // Interrupted by the crash: at-least-once, the attempt runs again.
          step.startedAt = this.host.clock.now();
          this.putStep(step);
          this.attempts.set(activationKey(step), { step, executing: true });
          this.wave.start(() => this.execute(step));
        }
      }
      await this.advance([...this.graph.nodes.keys()]);
    });
  }

  private armRunTimeout(): void {
    const timeout = this.definition.settings.timeoutMs;
    if (timeout === undefined) return;
    this.run.deadlineAt ??= (this.run.startedAt ?? this.host.clock.now()) + timeout;
    this.runTimer = this.host.clock.setTimer(this.run.deadlineAt, () => {
      void this.enqueue(() =>
        this.finish('failed', { code: 'RUN_TIMEOUT', message: `the run took longer than its ${timeout} ms limit`, retryable: false }),
      );
    });
  }

  // ---- The wave: settle, run inline nodes, commit, start the others ------------------------

  private async advance(candidates: string[]): Promise<void> {
    const work: Action[] = settle(this.state, candidates);
    let sliceStart = performance.now();
    let sliceCount = 0;
    while (work.length > 0 && !this.finished && !this.pendingFailure) {
      if (++sliceCount > SLICE.activations || performance.now() - sliceStart >= SLICE.ms) {
        // A long wave (a loop over many items) is cut into slices: each is committed, then the
        // event loop serves other requests before the next one starts.
        await this.flush();
        await this.host.yieldTurn();
        if (this.stopped) return;
        sliceStart = performance.now();
        sliceCount = 1;
        if (this.finished || this.pendingFailure) break;
      }
      const action = work.shift() as Action;
      const next = this.apply(action.type === 'loop-next' ? this.activator.loopNext(action.nodeId) : this.activator.activate(action.nodeId));
      if (next) for (const item of settle(this.state, next)) work.push(item);
    }
    if (!this.finished && this.attempts.size === 0) {
      const failure = this.pendingFailure;
      await this.finish(failure ? 'failed' : 'succeeded', failure);
      return;
    }
    if (!this.finished) {
      const status = this.executingCount() > 0 || this.wave.pendingStarts > 0 ? 'running' : 'waiting';
      if (status !== this.lastStatus) {
        this.run.status = status;
        this.lastStatus = status;
        this.wave.touchRun();
      }
    }
    await this.flush();
  }

  private flush(): Promise<void> {
    return this.wave.flush(this.host.store, this.run, this.host.spans, this.host.log);
  }

  private putStep(step: StepRecord): void {
    this.wave.putStep(step);
  }

  private nodeName(nodeId: string): string {
    const node = this.graph.nodes.get(nodeId);
    return node?.name ?? nodeId;
  }

  /** Records what starting an activation amounted to; returns the nodes to re-examine. */
  private apply(activation: Activation): string[] | undefined {
    switch (activation.kind) {
      case 'complete':
        return this.complete(activation.step, activation.result);
      case 'fail':
        return this.fail(activation.step, activation.error);
      case 'limit':
        this.pendingFailure = { code: 'STEP_LIMIT', message: `the run started ${this.host.limits.maxActivationsPerRun} activations, the most one run may; is a loop running away?`, retryable: false };
        return undefined;
      case 'wait':
        this.putStep(activation.step);
        this.wave.span(stepSpan(this.run, activation.step, this.nodeName(activation.step.nodeId)));
        this.armWait(activation.step);
        return undefined;
      case 'start': {
        const { step } = activation;
        this.putStep(step);
        this.wave.span(stepSpan(this.run, step, this.nodeName(step.nodeId)));
        this.attempts.set(activationKey(step), { step, executing: true });
        if (!this.draining) this.wave.start(() => this.execute(step));
        return undefined;
      }
    }
  }

  /** Records a successful activation and applies it. */
  private complete(step: StepRecord, result: NodeResult, attributes?: Attributes): string[] | undefined {
    const node = this.graph.nodes.get(step.nodeId) as NodeDefinition;
    let output = this.redactor.value(result.output);
    const size = jsonSize(output);
    if (size === undefined || size > WORKFLOW_LIMITS.maxOutputBytes) {
      return this.fail(
        step,
        permanent('OUTPUT_TOO_LARGE', `node "${node.id}": the output is ${size === undefined ? 'not JSON' : `${size} bytes`}; the limit is ${WORKFLOW_LIMITS.maxOutputBytes}`),
      );
    }
    output = output === undefined ? null : output;
    step.status = 'succeeded';
    step.output = output;
    step.branch = result.branch ?? 'main';
    step.endedAt = this.host.clock.now();
    delete step.retryAt;
    step.seq = this.state.seq + 1;
    this.putStep(step);
    this.wave.span(stepSpan(this.run, step, this.nodeName(node.id), attributes));
    let response = result.response;
    if (response) {
      response = this.redactor.value(response);
      if (!this.run.response) {
        this.run.response = response;
        this.wave.touchRun();
        const answer = response;
        this.wave.notice(() => this.host.onResponse(this, answer));
      }
    }
    const completion: Completion = { nodeId: step.nodeId, visit: step.visit, branch: step.branch, output };
    if (step.items !== undefined) completion.items = step.items;
    if (response) completion.response = response;
    return applyCompletion(this.state, completion);
  }

  /** Records a failed activation for good: continue, route to `error`, or fail the run. */
  private fail(step: StepRecord, error: unknown, attributes?: Attributes): string[] | undefined {
    const node = this.graph.nodes.get(step.nodeId) as NodeDefinition;
    const failure = this.describe(error, node);
    step.status = 'failed';
    step.error = failure;
    step.endedAt = this.host.clock.now();
    delete step.retryAt;
    const onError = node.onError ?? 'fail';
    if (onError !== 'fail' && failure.code !== 'CANCELLED') {
      step.branch = onError === 'output' ? 'error' : 'main';
      step.output = { error: failure };
      step.seq = this.state.seq + 1;
      this.putStep(step);
      this.wave.span(stepSpan(this.run, step, this.nodeName(node.id), attributes));
      return applyCompletion(this.state, { nodeId: step.nodeId, visit: step.visit, branch: step.branch, output: step.output });
    }
    step.seq = this.state.seq + 1;
    this.state.seq++;
    this.putStep(step);
    this.wave.span(stepSpan(this.run, step, this.nodeName(node.id), attributes));
    this.state.status.set(step.nodeId, 'done');
    this.pendingFailure ??= { ...failure, nodeId: node.id };
    // The run fails once nothing else is running; executions in flight are cancelled now.
    this.attempts.abortAll(`node "${node.id}" failed`, (attempt) => this.cancelStep(attempt.step));
    return undefined;
  }

  private describe(error: unknown, node: NodeDefinition): Failure {
    const failure = toFailure(error, node.id);
    if ((failure.code === 'CONFIG_INVALID' || failure.code === 'NODE_FAILED' || failure.code === 'CODE_ERROR') && !failure.message.startsWith('node "')) {
      failure.message = `node "${node.id}": ${failure.message}`;
    }
    return this.redactor.value(failure);
  }

  private cancelStep(step: StepRecord): void {
    if (step.status === 'succeeded' || step.status === 'failed') return;
    step.status = 'cancelled';
    step.endedAt = this.host.clock.now();
    this.putStep(step);
    const node = this.graph.nodes.get(step.nodeId);
    if (node) this.wave.span(stepSpan(this.run, step, this.nodeName(node.id)));
  }

  // ---- Executions, retries, waits ------------------------------------------------------------

  private execute(step: StepRecord): void {
    if (this.stopped || this.finished) return;
    const node = this.graph.nodes.get(step.nodeId) as NodeDefinition;
    const type = this.host.registry.get(node.type) as NodeType;
    const key = activationKey(step);
    const inputs = this.activator.inputsFor(node.id, step.visit);
    const attempt: Attempt = { step, executing: true };
    const started = runAttempt(
      async (signal) => {
        const config = this.activator.resolve(node, type, step.input, inputs);
        const onAttributes = (attributes: Attributes) => {
          attempt.attributes = { ...attempt.attributes, ...this.redactor.value(attributes) };
        };
        return await type.run(this.activator.context(node, step, config, step.input, inputs, onAttributes, signal));
      },
      { clock: this.host.clock, timeoutMs: node.timeoutMs ?? this.definition.settings.nodeTimeoutMs, nodeId: node.id },
    );
    attempt.controller = started.controller;
    attempt.timer = started.timer;
    this.attempts.set(key, attempt);
    started.result.then(
      (result) => this.settled(key, attempt, result, undefined),
      (error: unknown) => this.settled(key, attempt, undefined, error),
    );
  }

  private settled(key: string, attempt: Attempt, result: NodeResult | undefined, error: unknown): void {
    void this.enqueue(async () => {
      if (this.finished || this.attempts.get(key) !== attempt) return;
      attempt.timer?.cancel();
      this.attempts.delete(key);
      const { step } = attempt;
      if (error === undefined && result) {
        await this.advance(this.complete(step, result, attempt.attributes) ?? []);
        return;
      }
      const node = this.graph.nodes.get(step.nodeId) as NodeDefinition;
      const failure = this.describe(error, node);
      const policy = effectivePolicy(node.retry, this.definition.settings.retry);
      const retryable = failure.code !== 'CANCELLED' && isRetryable(failure, isNonRetryable(error), policy);
      if (retryable && hasRetriesLeft(step.attempt, policy)) {
        const delay = backoffDelay(step.attempt, policy, this.host.ids.random());
        step.status = 'failed';
        step.error = { ...failure, retryable: true };
        step.endedAt = this.host.clock.now();
        step.retryAt = step.endedAt + delay;
        this.putStep(step);
        this.wave.span(stepSpan(this.run, step, this.nodeName(node.id), attempt.attributes));
        this.armRetry(step);
        await this.advance([]);
        return;
      }
      await this.advance(this.fail(step, error, attempt.attributes) ?? []);
    });
  }

  private armRetry(failed: StepRecord): void {
    const key = activationKey(failed);
    const attempt: Attempt = { step: failed, executing: false };
    this.attempts.set(key, attempt);
    attempt.timer = this.host.clock.setTimer(failed.retryAt ?? this.host.clock.now(), () => {
      void this.enqueue(async () => {
        if (this.finished || this.attempts.get(key) !== attempt) return;
        const node = this.graph.nodes.get(failed.nodeId) as NodeDefinition;
        const next = this.activator.newStep(node, failed.visit, failed.attempt + 1, failed.input);
        this.putStep(next);
        this.wave.span(stepSpan(this.run, next, this.nodeName(node.id)));
        this.attempts.set(key, { step: next, executing: true });
        this.wave.start(() => this.execute(next));
        await this.advance([]);
      });
    });
  }

  private armWait(step: StepRecord): void {
    const key = activationKey(step);
    const attempt: Attempt = { step, executing: false };
    this.attempts.set(key, attempt);
    attempt.timer = this.host.clock.setTimer(step.dueAt ?? this.host.clock.now(), () => {
      void this.enqueue(async () => {
        if (this.finished || this.attempts.get(key) !== attempt) return;
        this.attempts.delete(key);
        await this.advance(this.complete(step, { output: step.input }) ?? []);
      });
    });
  }

  // ---- Ending --------------------------------------------------------------------------------

  /** Cancels the run (and, through their callers' signals, the runs it called). */
  cancel(reason = 'cancelled by request'): Promise<void> {
    return this.enqueue(() => this.finish('cancelled', { code: 'CANCELLED', message: reason, retryable: false }));
  }

  private async finish(status: 'succeeded' | 'failed' | 'cancelled', failure?: Failure): Promise<void> {
    if (this.finished) return;
    this.attempts.abortAll(failure?.message ?? 'the run ended', (attempt) => this.cancelStep(attempt.step));
    this.wave.dropStarts();
    this.runTimer?.cancel();
    const run = this.run;
    run.status = status;
    run.endedAt = this.host.clock.now();
    const outputNode = this.definition.settings.outputNode;
    const last = outputNode ?? this.state.lastNode;
    if (status === 'succeeded') {
      const output = last === undefined ? null : this.state.outputs.get(last);
      run.output = output === undefined ? null : output;
    }
    if (failure) run.error = this.redactor.value(failure);
    this.wave.touchRun();
    this.wave.span(runSpan(run, this.definition.name, true));
    this.wave.owesSpans();
    this.finished = true;
    await this.flush();
    const copy = { ...run };
    for (const waiter of this.finishedResolvers) waiter.resolve(copy);
    this.finishedResolvers = [];
    this.host.onFinished(this);
  }

  /** Lets running executions finish and record, but starts nothing new (graceful shutdown). */
  drain(): void {
    this.draining = true;
  }

}
