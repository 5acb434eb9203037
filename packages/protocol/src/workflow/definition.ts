import { z } from 'zod';
import { NodeId, Slug, VarName } from './ids.js';
import { RetryPolicyPatch } from './retry.js';

/**
 * The workflow definition: what a project folder stores as `<workflow>.json`, what the API
 * accepts and returns, and what the engine runs. Structural rules (unknown node types, dangling
 * edges, cycles, endpoint clashes, required config fields) are checked by the engine's validator,
 * which names the node and field of every problem.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const HttpMethod = z.enum(HTTP_METHODS);
export type HttpMethod = z.infer<typeof HttpMethod>;

/** `/greet`, `/users/:id/orders` — literal segments and `:param` segments. */
export const ENDPOINT_PATH_PATTERN = /^(\/(:?[A-Za-z0-9._~-]+))+\/?$|^\/$/;

/**
 * A public endpoint's own credential check, done by the hub before a run starts: the request must
 * carry the project secret `secret` in `header` — as `Bearer <value>` when the header is
 * `authorization`, as the bare value otherwise. A wrong or missing credential gets a 401.
 */
export const EndpointAuth = z.object({
  secret: VarName,
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, { message: 'must be a header name' })
    .transform((h) => h.toLowerCase())
    .default('authorization'),
});
export type EndpointAuth = z.infer<typeof EndpointAuth>;

export const Endpoint = z.object({
  method: HttpMethod.default('POST'),
  path: z
    .string()
    .max(256)
    .regex(ENDPOINT_PATH_PATTERN, {
      message: 'must start with "/" and contain only letters, digits, ".", "_", "~", "-" and ":param" segments',
    }),
  auth: EndpointAuth.optional(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const MISSED_RUN_POLICIES = ['skip', 'run-once'] as const;

export const ManualTrigger = z.object({ type: z.literal('manual') });
export const WebhookTrigger = z.object({ type: z.literal('webhook') });
export const CronTrigger = z.object({
  type: z.literal('cron'),
  /** A cron expression with 5 fields (minute precision) or 6 (seconds first), as croner reads it. */
  expression: z.string().min(1).max(256),
  /** An IANA time zone; the expression is read in it, daylight-saving changes included. */
  timezone: z.string().min(1).max(64).default('UTC'),
  /** Runs due while the hub was down: `skip` them, or `run-once` for all of them together. */
  missed: z.enum(MISSED_RUN_POLICIES).default('skip'),
});
export const Trigger = z.discriminatedUnion('type', [ManualTrigger, WebhookTrigger, CronTrigger]);
export type Trigger = z.infer<typeof Trigger>;
export type CronTrigger = z.infer<typeof CronTrigger>;

export const Position = z.object({ x: z.number(), y: z.number() });

/**
 * What happens when a node fails after its retries: `fail` the run (default), `continue` with
 * `{ error }` as the node's output, or route `{ error }` to the node's `error` output.
 */
export const ON_ERROR = ['fail', 'continue', 'output'] as const;

export const NodeDefinition = z.object({
  id: NodeId,
  type: z.string().min(1).max(64),
  name: z.string().max(256).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  position: Position.optional(),
  /** Overrides the workflow's default retry policy, field by field. */
  retry: RetryPolicyPatch.optional(),
  /** Time limit of one attempt; the attempt fails with NODE_TIMEOUT (retryable). */
  timeoutMs: z.int().min(1).max(30 * 24 * 3600 * 1000).optional(),
  onError: z.enum(ON_ERROR).optional(),
  /** A disabled node passes its input through unchanged. */
  disabled: z.boolean().optional(),
  notes: z.string().max(10_000).optional(),
});
export type NodeDefinition = z.infer<typeof NodeDefinition>;
export type NodeDefinitionInput = z.input<typeof NodeDefinition>;

export const EdgeDefinition = z.object({
  source: NodeId,
  /** The output of the source this edge leaves from: `main`, a branch (`true`, a case), `error`… */
  sourceOutput: z.string().min(1).max(64).optional(),
  target: NodeId,
});
export type EdgeDefinition = z.infer<typeof EdgeDefinition>;

export const WorkflowSettings = z.object({
  /** Time limit of a whole run, waits included; the run fails with RUN_TIMEOUT. */
  timeoutMs: z.int().min(1).optional(),
  /** Default time limit of one node attempt when the node sets none. */
  nodeTimeoutMs: z.int().min(1).optional(),
  /** Default retry policy of the workflow's nodes. */
  retry: RetryPolicyPatch.optional(),
  /** Runs beyond this many (running or waiting) are queued in order. */
  maxConcurrentRuns: z.int().min(1).max(100_000).optional(),
  /** The node whose output is the run's output (default: the last node that finished). */
  outputNode: NodeId.optional(),
  /** Public workflows: answer the HTTP request within this time, or with 202 and the run id. */
  responseTimeoutMs: z.int().min(1).max(3600 * 1000).optional(),
});
export type WorkflowSettings = z.infer<typeof WorkflowSettings>;

export const VISIBILITIES = ['public', 'internal'] as const;

export const STICKY_COLORS = ['yellow', 'blue', 'green', 'pink', 'gray'] as const;

/**
 * A sticky note on the studio's canvas: text for the people editing the workflow. The engine
 * never reads it; the studio renders its text as text (never as HTML).
 */
export const StickyNote = z.object({
  id: NodeId,
  text: z.string().max(10_000).default(''),
  position: Position,
  width: z.number().min(60).max(4000).default(240),
  height: z.number().min(40).max(4000).default(140),
  color: z.enum(STICKY_COLORS).optional(),
});
export type StickyNote = z.infer<typeof StickyNote>;

export const WorkflowDefinition = z.object({
  id: Slug,
  name: z.string().min(1).max(256),
  description: z.string().max(10_000).optional(),
  /** Set by the hub from the URL; a body that names another project is rejected. */
  project: Slug.optional(),
  /** Incremented by the hub on every save; send it back to detect a concurrent edit. */
  version: z.int().min(0).optional(),
  visibility: z.enum(VISIBILITIES).default('internal'),
  endpoint: Endpoint.optional(),
  trigger: Trigger.default({ type: 'manual' }),
  settings: WorkflowSettings.default({}),
  nodes: z.array(NodeDefinition),
  edges: z.array(EdgeDefinition).default([]),
  /** Canvas notes (the studio's); at most 500. */
  stickyNotes: z.array(StickyNote).max(500).optional(),
  /**
   * Pinned outputs by node id (n8n's "pinned data"): a run started by hand (trigger `manual`)
   * uses the pinned output instead of executing the node; webhook, cron and workflow-call runs
   * never do. Checked on save (nodes exist and can be pinned, size, no secret values).
   */
  pinned: z.record(NodeId, z.unknown()).optional(),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinition>;
