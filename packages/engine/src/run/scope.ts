import type { FieldSpec, NodeDefinition, ProjectDefinition, RunRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { permanent } from '../errors.js';
import { TemplateError, renderDeep, strict } from '../expr/index.js';
import type { Scope, SecretTaint } from '../expr/index.js';
import { coerceFields, withDefaults } from '../nodes/fields.js';
import type { RunState } from './state.js';

/** Everything an expression inside a node's config can read. */
export interface ScopeSource {
  state: RunState;
  run: RunRecord;
  definition: WorkflowDefinition;
  project: ProjectDefinition;
  secrets: () => Record<string, string>;
  now: number;
  nodeId: string;
  input: unknown;
  inputs: { source: string; value: unknown }[];
}

function nodesView(state: RunState): Record<string, { output: unknown; status: string }> {
  const view: Record<string, { output: unknown; status: string }> = {};
  for (const id of state.graph.nodes.keys()) view[id] = { output: state.outputs.get(id), status: state.status.get(id) ?? 'idle' };
  return strict(view, (key) => `no node "${key}" in this workflow`);
}

/**
 * `loop` inside a loop body. Expressions read `results` by reference; code nodes get no
 * `results`, since their globals are serialized on every activation (O(n) per item).
 */
function loopView(source: ScopeSource, withResults = true): unknown {
  const loopId = source.state.graph.enclosingLoop.get(source.nodeId);
  const loop = loopId ? source.state.loops.get(loopId) : undefined;
  if (!loopId || !loop) return undefined;
  const view = { id: loopId, index: loop.index, item: loop.items[loop.index], total: loop.items.length };
  return withResults ? { ...view, results: loop.results } : view;
}

/** The scope of one node activation; costly roots are computed only when read. */
export function buildScope(source: ScopeSource): Scope {
  const scope: Scope = {
    input: source.input,
    inputs: source.inputs,
    trigger: source.run.trigger,
    env: { ...source.project.env },
    run: { id: source.run.id, startedAt: source.run.startedAt ?? source.run.createdAt, depth: source.run.depth, parentRunId: source.run.parentRunId ?? null },
    workflow: { id: source.definition.id, name: source.definition.name, version: source.run.version },
    project: { id: source.project.id, name: source.project.name },
    now: source.now,
  };
  Object.defineProperty(scope, 'nodes', { enumerable: true, get: () => nodesView(source.state) });
  Object.defineProperty(scope, 'secrets', {
    enumerable: true,
    get: () => strict({ ...source.secrets() }, (key) => `no secret named "${key}" in project "${source.project.id}"`),
  });
  Object.defineProperty(scope, 'loop', { enumerable: true, get: () => loopView(source) });
  return scope;
}

/** Values a code node sees as globals: JSON only, no secrets. */
export function codeGlobals(source: ScopeSource): Record<string, unknown> {
  const nodes: Record<string, { output: unknown }> = {};
  for (const [id, output] of source.state.outputs) nodes[id] = { output };
  return {
    input: source.input ?? null,
    inputs: source.inputs,
    nodes,
    trigger: source.run.trigger,
    env: { ...source.project.env },
    run: { id: source.run.id, project: source.run.project, workflow: source.run.workflow, version: source.run.version },
    loop: loopView(source, false) ?? null,
  };
}

/**
 * A node's config ready to run: defaults applied, every expression evaluated (fields marked
 * `expressions: false` kept as written), values coerced to their field types; `taint` hears of
 * every value derived from a secret (see expr/taint.ts). A bad
 * expression fails with EXPRESSION_ERROR naming node, field and path; no retry can fix it.
 */
export function resolveConfig(node: NodeDefinition, fields: FieldSpec[], scope: Scope, taint?: SecretTaint): Record<string, unknown> {
  const raw = withDefaults(fields, node.config);
  const literal = new Set(fields.filter((f) => f.expressions === false).map((f) => f.name));
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (literal.has(key)) {
      resolved[key] = value;
      continue;
    }
    try {
      resolved[key] = renderDeep(value, scope, key, taint);
    } catch (error) {
      if (error instanceof TemplateError) {
        throw permanent('EXPRESSION_ERROR', `node "${node.id}", field "${error.path}": ${error.reason}${error.expression ? ` in {{ ${error.expression} }}` : ''}`, key, {
          path: error.path,
          expression: error.expression,
        });
      }
      throw error;
    }
  }
  return coerceFields(fields, resolved);
}
