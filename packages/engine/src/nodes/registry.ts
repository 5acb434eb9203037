import type { NodeTypeInfo, TriggerTypeInfo } from '@runtime-hub/protocol';
import { codeNode } from './builtin/code.js';
import { conditionNode } from './builtin/condition.js';
import { emailNode } from './builtin/email.js';
import { loopNode, mergeNode, respondNode, waitNode } from './builtin/flow.js';
import { httpNode } from './builtin/http.js';
import { llmNode } from './builtin/llm.js';
import { notificationNode } from './builtin/notification.js';
import { setNode, transformNode } from './builtin/set.js';
import { shellNode } from './builtin/shell.js';
import { triggerNode } from './builtin/trigger.js';
import { workflowCallNode } from './builtin/workflow-call.js';
import type { NodeType } from './types.js';

/** The node types a workflow can use, by type name. */
export type NodeRegistry = ReadonlyMap<string, NodeType>;

export const BUILTIN_NODE_TYPES: readonly NodeType[] = [
  triggerNode,
  httpNode,
  codeNode,
  shellNode,
  conditionNode,
  waitNode,
  setNode,
  transformNode,
  mergeNode,
  loopNode,
  respondNode,
  notificationNode,
  emailNode,
  llmNode,
  workflowCallNode,
];

/**
 * The built-in node types plus `extra` ones (an extra type with a built-in's name replaces it).
 *
 * @example
 *   const registry = createRegistry([myNodeType]);
 */
export function createRegistry(extra: readonly NodeType[] = []): NodeRegistry {
  const map = new Map<string, NodeType>();
  for (const type of [...BUILTIN_NODE_TYPES, ...extra]) map.set(type.info.type, type);
  return map;
}

/** What `GET /api/v1/node-types` lists. */
export function describeNodeTypes(registry: NodeRegistry): NodeTypeInfo[] {
  return [...registry.values()].map((t) => t.info);
}

/** The three ways a run starts (the workflow's `trigger` setting), with their fields. */
export const TRIGGER_TYPES: readonly TriggerTypeInfo[] = [
  {
    type: 'manual',
    name: 'Manual',
    description: 'Runs when started from the dashboard or by POST /api/v1/projects/<project>/workflows/<workflow>/runs; the request body is trigger.body.',
    fields: [],
  },
  {
    type: 'webhook',
    name: 'Webhook',
    description:
      'Runs when its endpoint is called: a public workflow answers at /w/<project><endpoint.path> with endpoint.method, and replies with the last node\'s output or a Respond node\'s answer.',
    fields: [],
  },
  {
    type: 'cron',
    name: 'Schedule (cron)',
    description: 'Runs on a cron schedule in a time zone, across daylight-saving changes; pause and resume it without editing the workflow.',
    fields: [
      { name: 'expression', label: 'Cron expression', type: 'string', required: true, help: '5 fields (minute hour day month weekday) or 6 with seconds first. Example: 0 9 * * 1-5', expressions: false },
      { name: 'timezone', label: 'Time zone', type: 'string', default: 'UTC', help: 'An IANA zone. Example: Europe/Zurich', expressions: false },
      {
        name: 'missed',
        label: 'Missed runs',
        type: 'select',
        default: 'skip',
        help: 'Runs that fell due while the hub was down: skip them, or run once for all of them.',
        options: [
          { value: 'skip', label: 'Skip' },
          { value: 'run-once', label: 'Run once' },
        ],
      },
    ],
  },
];
