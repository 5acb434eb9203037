import { WORKFLOW_LIMITS } from '@runtime-hub/protocol';
import type { RunRecord, WorkflowDefinition } from '@runtime-hub/protocol';
import { LOOP_TYPE, TRIGGER_TYPE } from '../graph/compile.js';
import { Redactor } from './redact.js';

/**
 * Pinned data (n8n's name): a node's output fixed in the workflow definition, so that a run
 * started by hand uses it instead of executing the node — no call to an external service while
 * a workflow is being built. Webhook, cron and workflow-call runs never use pins: they serve real
 * traffic, and a forgotten pin must not answer it with stale data.
 */

/** Serialized size of all pinned outputs of one workflow together. */
export const MAX_PINNED_BYTES = 512 * 1024;

/** Only runs started by hand (`POST …/runs`, the studio's Run, and their re-runs) use pins. */
export function usesPins(run: RunRecord): boolean {
  return run.trigger.type === 'manual';
}

/** The pinned output this run uses for the node, or undefined when it executes the node. */
export function pinnedOutput(run: RunRecord, definition: WorkflowDefinition, nodeId: string, nodeType: string): { output: unknown } | undefined {
  const pins = definition.pinned;
  if (!pins || !Object.hasOwn(pins, nodeId) || !usesPins(run)) return undefined;
  // The validator refuses these; a hand-edited file on disk is validated too, so this is a guard.
  if (nodeType === TRIGGER_TYPE || nodeType === LOOP_TYPE) return undefined;
  return { output: pins[nodeId] };
}

export interface PinIssue {
  code: 'invalid_pin' | 'too_large' | 'secret_in_pin';
  message: string;
  path: string;
  nodeId?: string;
}

function depthWithin(value: unknown, limit: number, depth = 0): boolean {
  if (depth > limit) return false;
  if (value === null || typeof value !== 'object') return true;
  return Object.values(value).every((v) => depthWithin(v, limit, depth + 1));
}

/**
 * Checks a definition's pins: each names a node of the workflow whose result leaves on `main`
 * (a pin has no branch: triggers, loops and conditions cannot be pinned), nested at most as deep
 * as a config, and all of them together at most {@link MAX_PINNED_BYTES}.
 */
export function checkPins(def: WorkflowDefinition, outputsOf: ReadonlyMap<string, readonly string[]>): PinIssue[] {
  const pins = def.pinned;
  if (!pins) return [];
  const issues: PinIssue[] = [];
  const types = new Map(def.nodes.map((n) => [n.id, n.type]));
  for (const [nodeId, output] of Object.entries(pins)) {
    const path = `pinned.${nodeId}`;
    const type = types.get(nodeId);
    if (type === undefined) {
      issues.push({ code: 'invalid_pin', message: `pinned: "${nodeId}" is not a node of this workflow`, path });
    } else if (type === TRIGGER_TYPE || type === LOOP_TYPE || !(outputsOf.get(nodeId) ?? ['main']).includes('main')) {
      issues.push({ code: 'invalid_pin', message: `node "${nodeId}": a ${type} node cannot be pinned (its result leaves on a branch, not one output)`, path, nodeId });
    } else if (!depthWithin(output, WORKFLOW_LIMITS.maxConfigDepth)) {
      issues.push({ code: 'too_large', message: `node "${nodeId}": the pinned output is nested deeper than ${WORKFLOW_LIMITS.maxConfigDepth} levels`, path, nodeId });
    }
  }
  const size = Buffer.byteLength(JSON.stringify(pins) ?? '');
  if (size > MAX_PINNED_BYTES) issues.push({ code: 'too_large', message: `pinned outputs take ${size} bytes together; the limit is ${MAX_PINNED_BYTES}`, path: 'pinned' });
  return issues;
}

/**
 * Pins are stored in clear in the workflow file and its versions, so a pin must not hold a secret
 * value (nor its base64, the usual disguise). A pin taken from a run's output is safe: the engine
 * masked secrets and values derived from them (`[secret:NAME]`) before storing it; this catches a
 * value typed or pasted into an edited pin. The issue names the secret, never its value.
 */
export function secretsInPins(pins: Record<string, unknown> | undefined, secrets: Record<string, string>): PinIssue[] {
  if (!pins) return [];
  const probes = Object.entries(secrets).map(([name, value]) => ({ name, redactor: new Redactor({ [name]: value, [`${name}.base64`]: Buffer.from(value).toString('base64') }) }));
  const issues: PinIssue[] = [];
  for (const [nodeId, output] of Object.entries(pins)) {
    const names = probes.filter((p) => p.redactor.value(output) !== output).map((p) => `"${p.name}"`);
    if (names.length === 0) continue;
    issues.push({
      code: 'secret_in_pin',
      message: `node "${nodeId}": the pinned output holds the value of secret ${names.join(', ')}; pins are stored in clear, so pin the run's output (secrets are masked there) or reference {{ secrets.NAME }} in the node`,
      path: `pinned.${nodeId}`,
      nodeId,
    });
  }
  return issues;
}
