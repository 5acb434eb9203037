import { WORKFLOW_LIMITS, WorkflowDefinition } from '@runtime-hub/protocol';
import type { NodeDefinition, WorkflowDefinitionInput } from '@runtime-hub/protocol';
import type { z } from 'zod';
import { cronProblem } from '../cron/cron.js';
import { inspectTemplates } from '../expr/index.js';
import { checkFields, withDefaults } from '../nodes/fields.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { checkPins } from '../run/pins.js';
import { LOOP_TYPE, TRIGGER_TYPE, loopBody } from './compile.js';

/**
 * Whole-workflow validation at save time. Every issue names where it is: `path` in the
 * definition (`nodes[2].config.url`), and `nodeId` / `field` when it concerns a node.
 */

export type IssueCode =
  | 'invalid_definition'
  | 'too_large'
  | 'duplicate_node'
  | 'unknown_node_type'
  | 'missing_field'
  | 'invalid_field'
  | 'invalid_expression'
  | 'expression_too_deep'
  | 'unknown_reference'
  | 'no_trigger'
  | 'multiple_triggers'
  | 'dangling_edge'
  | 'invalid_output'
  | 'duplicate_edge'
  | 'self_edge'
  | 'cycle'
  | 'loop_body'
  | 'endpoint_required'
  | 'endpoint_not_allowed'
  | 'endpoint_clash'
  | 'invalid_cron'
  | 'unreachable_node'
  | 'unknown_config_field'
  | 'unknown_workflow'
  | 'invalid_pin'
  | 'secret_in_pin';

export interface ValidationIssue {
  code: IssueCode;
  message: string;
  path: string;
  nodeId?: string;
  field?: string;
}

export interface ValidationResult {
  /** The parsed definition (defaults applied) when there are no errors. */
  definition?: WorkflowDefinition;
  errors: ValidationIssue[];
  /** Problems that do not stop a save (an unreachable node, a call to a workflow not yet created). */
  warnings: ValidationIssue[];
}

export interface ProjectContext {
  /** The other workflows of the project (for endpoint clashes and call targets). */
  workflows: readonly Pick<WorkflowDefinition, 'id' | 'visibility' | 'endpoint'>[];
}

/** Roots an expression may start from. */
export const EXPRESSION_ROOTS = ['input', 'inputs', 'nodes', 'trigger', 'env', 'secrets', 'run', 'workflow', 'project', 'loop', 'now'] as const;

const ROOT_SET = new Set<string>(EXPRESSION_ROOTS);

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

function jsonDepth(value: unknown, limit: number, depth = 0): boolean {
  if (depth > limit) return false;
  if (Array.isArray(value)) return value.every((v) => jsonDepth(v, limit, depth + 1));
  if (value !== null && typeof value === 'object') return Object.values(value).every((v) => jsonDepth(v, limit, depth + 1));
  return true;
}

function longString(value: unknown): boolean {
  if (typeof value === 'string') return value.length > WORKFLOW_LIMITS.maxConfigStringLength;
  if (Array.isArray(value)) return value.some(longString);
  if (value !== null && typeof value === 'object') return Object.values(value).some(longString);
  return false;
}

/** Normalizes an endpoint path for clash detection: `/users/:id/` and `/users/:uid` are the same. */
export function endpointKey(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? ':' : s));
  return `${method} /${segments.join('/')}`;
}

/**
 * Validates a workflow definition against the node registry (and, when given, its project).
 *
 * @example
 *   const { definition, errors } = validateWorkflow(body, registry, { workflows: others });
 *   if (errors.length) reply.status(400).send({ error: { code: 'WORKFLOW_INVALID', details: { issues: errors } } });
 */
export function validateWorkflow(input: unknown, registry: NodeRegistry, project?: ProjectContext): ValidationResult {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(input) ?? '');
  } catch {
    return { errors: [{ code: 'invalid_definition', message: 'the definition is not serializable JSON', path: '' }], warnings };
  }
  if (size > WORKFLOW_LIMITS.maxDefinitionBytes) {
    errors.push({ code: 'too_large', message: `the definition is ${size} bytes; the limit is ${WORKFLOW_LIMITS.maxDefinitionBytes}`, path: '' });
    return { errors, warnings };
  }
  const raw = input as WorkflowDefinitionInput;
  const parsed = WorkflowDefinition.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 50)) errors.push(zodIssue(issue, raw));
    return { errors, warnings };
  }
  const def = parsed.data;
  const report = (list: ValidationIssue[], issue: ValidationIssue) => list.push(issue);

  if (def.nodes.length > WORKFLOW_LIMITS.maxNodes) report(errors, { code: 'too_large', message: `at most ${WORKFLOW_LIMITS.maxNodes} nodes`, path: 'nodes' });
  if (def.edges.length > WORKFLOW_LIMITS.maxEdges) report(errors, { code: 'too_large', message: `at most ${WORKFLOW_LIMITS.maxEdges} edges`, path: 'edges' });

  // Nodes: ids, types, config.
  const index = new Map<string, number>();
  def.nodes.forEach((node, i) => {
    if (index.has(node.id)) report(errors, { code: 'duplicate_node', message: `node id "${node.id}" is used twice`, path: `nodes[${i}].id`, nodeId: node.id });
    else index.set(node.id, i);
  });
  const nodeIds = new Set(index.keys());
  const outputsOf = new Map<string, string[]>();

  def.nodes.forEach((node, i) => {
    const at = `nodes[${i}]`;
    const type = registry.get(node.type);
    if (!type) {
      report(errors, {
        code: 'unknown_node_type',
        message: `node "${node.id}": unknown node type "${node.type}" (known: ${[...registry.keys()].join(', ')})`,
        path: `${at}.type`,
        nodeId: node.id,
        field: 'type',
      });
      return;
    }
    if (!jsonDepth(node.config, WORKFLOW_LIMITS.maxConfigDepth) || longString(node.config)) {
      report(errors, {
        code: 'too_large',
        message: `node "${node.id}": config nested deeper than ${WORKFLOW_LIMITS.maxConfigDepth} levels or holding a string over ${WORKFLOW_LIMITS.maxConfigStringLength} characters`,
        path: `${at}.config`,
        nodeId: node.id,
      });
      return;
    }
    for (const problem of checkFields(type.info.fields, node.config)) {
      const missing = /is required$/.test(problem.message);
      report(errors, {
        code: missing ? 'missing_field' : 'invalid_field',
        message: `node "${node.id}": ${missing ? problem.message : `"${problem.field}" ${problem.message}`}`,
        path: `${at}.config.${problem.field}`,
        nodeId: node.id,
        field: problem.field,
      });
    }
    type.check?.(withDefaults(type.info.fields, node.config), (field, message) =>
      report(errors, { code: 'invalid_field', message: `node "${node.id}": "${field}" ${message}`, path: `${at}.config.${field}`, nodeId: node.id, field }),
    );
    const known = new Set(type.info.fields.map((f) => f.name));
    for (const key of Object.keys(node.config)) {
      if (!known.has(key)) {
        report(warnings, { code: 'unknown_config_field', message: `node "${node.id}": config field "${key}" is not used by ${node.type} nodes`, path: `${at}.config.${key}`, nodeId: node.id, field: key });
      }
    }
    checkExpressions(node, at, registry, nodeIds, errors);
    const outputs = type.outputs ? type.outputs(withDefaults(type.info.fields, node.config)) : type.info.outputs;
    outputsOf.set(node.id, node.onError === 'output' ? [...outputs, 'error'] : outputs);
  });

  // Exactly one trigger.
  const triggers = def.nodes.filter((n) => n.type === TRIGGER_TYPE);
  if (triggers.length === 0) report(errors, { code: 'no_trigger', message: 'a workflow needs one node of type "trigger"; it is where a run starts', path: 'nodes' });
  if (triggers.length > 1) {
    report(errors, { code: 'multiple_triggers', message: `a workflow has exactly one trigger node, not ${triggers.length} (${triggers.map((t) => t.id).join(', ')})`, path: 'nodes' });
  }

  // Edges.
  const seen = new Set<string>();
  const edges: { source: string; output: string; target: string }[] = [];
  def.edges.forEach((edge, i) => {
    const at = `edges[${i}]`;
    let ok = true;
    for (const end of ['source', 'target'] as const) {
      if (!nodeIds.has(edge[end])) {
        report(errors, { code: 'dangling_edge', message: `edge ${i}: ${end} "${edge[end]}" is not a node of this workflow`, path: `${at}.${end}` });
        ok = false;
      }
    }
    if (!ok) return;
    if (edge.source === edge.target) {
      report(errors, { code: 'self_edge', message: `edge ${i}: node "${edge.source}" cannot connect to itself`, path: at, nodeId: edge.source });
      return;
    }
    const outputs = outputsOf.get(edge.source);
    let output = edge.sourceOutput ?? 'main';
    if (outputs && !outputs.includes(output)) {
      const hint = edge.sourceOutput === undefined ? `name one of its outputs in "sourceOutput": ${outputs.join(', ')}` : `its outputs are: ${outputs.join(', ')}`;
      report(errors, {
        code: 'invalid_output',
        message: `edge ${i}: node "${edge.source}" has no output "${output}"; ${hint}`,
        path: `${at}.sourceOutput`,
        nodeId: edge.source,
        field: 'sourceOutput',
      });
      output = '';
    }
    if (index.has(edge.target) && def.nodes[index.get(edge.target) as number]?.type === TRIGGER_TYPE) {
      report(errors, { code: 'invalid_output', message: `edge ${i}: nothing can lead into the trigger node "${edge.target}"`, path: `${at}.target`, nodeId: edge.target });
    }
    const key = `${edge.source}\u0000${output}\u0000${edge.target}`;
    if (seen.has(key)) report(errors, { code: 'duplicate_edge', message: `edge ${i} repeats an earlier edge from "${edge.source}" to "${edge.target}"`, path: at });
    seen.add(key);
    if (output) edges.push({ source: edge.source, output, target: edge.target });
  });

  if (errors.length === 0) checkStructure(def.nodes, edges, errors, warnings);
  checkTriggerAndEndpoint(def, project, errors, warnings);
  if (def.settings.outputNode !== undefined && !nodeIds.has(def.settings.outputNode)) {
    report(errors, { code: 'unknown_reference', message: `settings.outputNode: "${def.settings.outputNode}" is not a node of this workflow`, path: 'settings.outputNode' });
  }
  for (const issue of checkPins(def, outputsOf)) report(errors, issue);
  if (project) checkCallTargets(def, project, warnings);
  return errors.length === 0 ? { definition: def, errors, warnings } : { errors, warnings };
}

function zodIssue(issue: z.core.$ZodIssue, raw: WorkflowDefinitionInput): ValidationIssue {
  const path = formatPath(issue.path);
  const out: ValidationIssue = { code: 'invalid_definition', message: `${path || 'definition'}: ${issue.message}`, path };
  if (issue.path[0] === 'nodes' && typeof issue.path[1] === 'number') {
    const node = (raw.nodes as unknown[] | undefined)?.[issue.path[1]] as { id?: unknown } | undefined;
    if (node && typeof node.id === 'string') {
      out.nodeId = node.id;
      out.message = `node "${node.id}": ${out.message}`;
    }
    if (issue.path.length > 2) out.field = String(issue.path[issue.path.length - 1]);
  }
  let value: unknown = raw;
  for (const key of issue.path) value = value === null || typeof value !== 'object' ? undefined : (value as Record<PropertyKey, unknown>)[key];
  if (value === undefined && issue.code === 'invalid_type') {
    out.code = 'missing_field';
    out.message = `${out.nodeId ? `node "${out.nodeId}": ` : ''}${path} is required`;
  }
  return out;
}

function checkExpressions(node: NodeDefinition, at: string, registry: NodeRegistry, nodeIds: Set<string>, errors: ValidationIssue[]): void {
  const type = registry.get(node.type);
  const literal = new Set(type?.info.fields.filter((f) => f.expressions === false).map((f) => f.name));
  for (const [field, value] of Object.entries(node.config)) {
    if (literal.has(field)) continue;
    const { references, problems } = inspectTemplates(value, field);
    for (const problem of problems) {
      errors.push({ code: problem.kind === 'too_deep' ? 'expression_too_deep' : 'invalid_expression', message: `node "${node.id}", field "${problem.path}": ${problem.message}`, path: `${at}.config.${problem.path}`, nodeId: node.id, field });
    }
    for (const ref of references) {
      if (!ROOT_SET.has(ref.root)) {
        errors.push({
          code: 'invalid_expression',
          message: `node "${node.id}", field "${ref.path}": unknown name "${ref.root}" in {{ ${ref.expression} }} (use one of: ${EXPRESSION_ROOTS.join(', ')})`,
          path: `${at}.config.${ref.path}`,
          nodeId: node.id,
          field,
        });
      } else if (ref.root === 'nodes' && ref.nodeId !== undefined && !nodeIds.has(ref.nodeId)) {
        errors.push({
          code: 'unknown_reference',
          message: `node "${node.id}", field "${ref.path}": {{ ${ref.expression} }} reads node "${ref.nodeId}", which is not in this workflow`,
          path: `${at}.config.${ref.path}`,
          nodeId: node.id,
          field,
        });
      }
    }
  }
}

/** Loop bodies, cycles outside loops, unreachable nodes. */
function checkStructure(
  nodes: readonly NodeDefinition[],
  edges: readonly { source: string; output: string; target: string }[],
  errors: ValidationIssue[],
  warnings: ValidationIssue[],
): void {
  const bodies = new Map<string, Set<string>>();
  for (const node of nodes) if (node.type === LOOP_TYPE) bodies.set(node.id, loopBody(node.id, edges));
  const isBack = (e: { source: string; target: string }) => bodies.get(e.target)?.has(e.source) ?? false;

  for (const [loopId, body] of bodies) {
    for (const edge of edges) {
      if (!body.has(edge.target)) continue;
      if (edge.source === loopId && edge.output === 'done') {
        errors.push({
          code: 'loop_body',
          message: `node "${edge.target}" is reached from both the "item" and the "done" output of loop "${loopId}"; the done branch must stay outside the loop body`,
          path: 'edges',
          nodeId: edge.target,
        });
      } else if (edge.source !== loopId && !body.has(edge.source)) {
        errors.push({
          code: 'loop_body',
          message: `edge from "${edge.source}" enters the body of loop "${loopId}" at "${edge.target}"; a loop body can only be entered through the loop's "item" output`,
          path: 'edges',
          nodeId: edge.target,
        });
      }
    }
  }

  // Cycles, back edges into loops excepted.
  const out = new Map<string, string[]>();
  for (const edge of edges) if (!isBack(edge)) out.set(edge.source, [...(out.get(edge.source) ?? []), edge.target]);
  const color = new Map<string, 1 | 2>();
  const stack: string[] = [];
  let reported = false;
  const visit = (id: string): void => {
    if (reported) return;
    color.set(id, 1);
    stack.push(id);
    for (const next of out.get(id) ?? []) {
      if (color.get(next) === 1) {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        errors.push({
          code: 'cycle',
          message: `cycle ${cycle.map((c) => `"${c}"`).join(' → ')}: a workflow may only loop back into a node of type "loop"`,
          path: 'edges',
          nodeId: next,
        });
        reported = true;
        return;
      }
      if (!color.has(next)) visit(next);
      if (reported) return;
    }
    stack.pop();
    color.set(id, 2);
  };
  for (const node of nodes) if (!color.has(node.id)) visit(node.id);

  // Reachability from the trigger.
  const trigger = nodes.find((n) => n.type === TRIGGER_TYPE);
  if (!trigger) return;
  const all = new Map<string, string[]>();
  for (const edge of edges) all.set(edge.source, [...(all.get(edge.source) ?? []), edge.target]);
  const reached = new Set([trigger.id]);
  const todo = [trigger.id];
  while (todo.length > 0) {
    for (const next of all.get(todo.pop() as string) ?? []) {
      if (reached.has(next)) continue;
      reached.add(next);
      todo.push(next);
    }
  }
  nodes.forEach((node, i) => {
    if (!reached.has(node.id)) {
      warnings.push({ code: 'unreachable_node', message: `node "${node.id}" is not connected to the trigger; it never runs`, path: `nodes[${i}]`, nodeId: node.id });
    }
  });
}

function checkTriggerAndEndpoint(def: WorkflowDefinition, project: ProjectContext | undefined, errors: ValidationIssue[], warnings: ValidationIssue[]): void {
  if (def.visibility === 'public' && !def.endpoint) {
    errors.push({ code: 'endpoint_required', message: 'a public workflow needs an endpoint { method, path }', path: 'endpoint' });
  }
  if (def.visibility === 'internal' && def.endpoint) {
    errors.push({ code: 'endpoint_not_allowed', message: 'an internal workflow is never reachable over HTTP; remove the endpoint or make it public', path: 'endpoint' });
  }
  if (def.trigger.type === 'webhook' && def.visibility !== 'public') {
    errors.push({ code: 'endpoint_required', message: 'a webhook trigger needs a public workflow with an endpoint', path: 'trigger' });
  }
  if (def.trigger.type === 'cron') {
    const problem = cronProblem(def.trigger);
    if (problem) errors.push({ code: 'invalid_cron', message: `trigger.${problem.field}: ${problem.message}`, path: `trigger.${problem.field}`, field: problem.field });
  }
  if (def.visibility === 'public' && def.endpoint && project) {
    const mine = endpointKey(def.endpoint.method, def.endpoint.path);
    for (const other of project.workflows) {
      if (other.id === def.id || other.visibility !== 'public' || !other.endpoint) continue;
      if (endpointKey(other.endpoint.method, other.endpoint.path) === mine) {
        errors.push({
          code: 'endpoint_clash',
          message: `endpoint ${def.endpoint.method} ${def.endpoint.path} is already served by workflow "${other.id}" (${other.endpoint.method} ${other.endpoint.path})`,
          path: 'endpoint.path',
          field: 'path',
        });
      }
    }
  }
  void warnings;
}

function checkCallTargets(def: WorkflowDefinition, project: ProjectContext, warnings: ValidationIssue[]): void {
  const ids = new Set([def.id, ...project.workflows.map((w) => w.id)]);
  def.nodes.forEach((node, i) => {
    if (node.type !== 'workflow' || node.config.mode === 'http') return;
    const target = node.config.workflow;
    if (typeof target === 'string' && !target.includes('{{') && !ids.has(target)) {
      warnings.push({
        code: 'unknown_workflow',
        message: `node "${node.id}": workflow "${target}" does not exist in this project (yet); the call fails until it does`,
        path: `nodes[${i}].config.workflow`,
        nodeId: node.id,
        field: 'workflow',
      });
    }
  });
}
