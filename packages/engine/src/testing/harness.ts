import type { ProjectDefinitionInput, SpanRecordInput } from '@runtime-hub/protocol';
import { ManualClock } from '../clock.js';
import { sequentialIds } from '../ids.js';
import type { HttpClient, HttpRequest, HttpResponse, RunStore } from '../ports.js';
import { Engine } from '../run/engine.js';
import type { EngineOptions } from '../run/engine.js';
import { MemoryRunStore } from '../store/memory-store.js';
import { MemoryWorkflowSource } from '../store/memory-workflows.js';

/** An HTTP client that answers from a function and records every request. */
export function scriptedHttp(answer: (request: HttpRequest, call: number) => HttpResponse | Promise<HttpResponse>): HttpClient & { calls: HttpRequest[] } {
  const calls: HttpRequest[] = [];
  return {
    calls,
    request(request) {
      calls.push(request);
      return Promise.resolve().then(() => answer(request, calls.length));
    },
  };
}

export function jsonResponse(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export interface TestEngine {
  engine: Engine;
  clock: ManualClock;
  store: RunStore;
  source: MemoryWorkflowSource;
  spans: SpanRecordInput[];
  /** A new engine on the same store and workflows, as after a restart (the old one is stopped first). */
  restart(overrides?: Partial<EngineOptions>): Promise<TestEngine>;
}

/**
 * An engine on an in-memory store with a manual clock and sequential ids, with one project
 * (`demo`, shell and code allowed) holding `workflows`.
 *
 * @example
 *   const t = await testEngine([greet]);
 *   const run = await t.engine.startRun({ project: 'demo', workflow: 'greet', trigger: { type: 'manual', body: { name: 'Ada' } } });
 */
export async function testEngine(
  workflows: unknown[],
  options: Partial<EngineOptions> & { project?: ProjectDefinitionInput; start?: number } = {},
): Promise<TestEngine> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(options.start ?? Date.parse('2024-01-01T00:00:00Z'));
  const store = options.store ?? new MemoryRunStore();
  const spans: SpanRecordInput[] = [];
  const source = (options.workflows as MemoryWorkflowSource | undefined) ?? new MemoryWorkflowSource(store, options.registry, () => clock.now());
  if (!options.workflows) {
    source.putProject(options.project ?? { id: 'demo', name: 'Demo', settings: { allowShell: true, allowCode: true } });
    for (const workflow of workflows) await source.putWorkflow('demo', workflow);
  }
  const ids = options.ids ?? sequentialIds();
  const engine = new Engine({
    ...options,
    clock,
    ids,
    store,
    workflows: source,
    spans: options.spans ?? { emit: (records) => void spans.push(...structuredClone(records)) },
  });
  await engine.start();
  const t: TestEngine = {
    engine,
    clock,
    store,
    source,
    spans,
    async restart(overrides = {}) {
      await engine.stop();
      return testEngine([], { ...options, clock, store, workflows: source, ids, ...overrides, spans: overrides.spans ?? { emit: (records) => void spans.push(...structuredClone(records)) } });
    },
  };
  return t;
}
