import type { ProjectDefinition, WorkflowDefinition } from '@runtime-hub/protocol';
import { ProjectDefinition as ProjectSchema, WorkflowDefinition as WorkflowSchema } from '@runtime-hub/protocol';

/**
 * The project the golden files are generated from: docs/workflows.md's greet workflow, an
 * internal workflow it calls, a path parameter, endpoint auth, a loop, a retry policy, project
 * variables and two secrets (names only, as the hub hands them to codegen).
 */
export const FIXTURE_PROJECT: ProjectDefinition = ProjectSchema.parse({
  id: 'demo',
  name: 'Demo',
  description: 'The golden-file project',
  version: '1.2.0',
  env: { REGION: 'eu', GREETING: 'Hello' },
});

export const FIXTURE_SECRETS = ['STRIPE_KEY', 'API_TOKEN'];

export const FIXTURE_WORKFLOWS: WorkflowDefinition[] = [
  {
    id: 'greet',
    name: 'Greet',
    version: 3,
    visibility: 'public',
    endpoint: { method: 'POST', path: '/greet' },
    trigger: { type: 'webhook' },
    nodes: [
      { id: 'start', type: 'trigger', name: 'Webhook', position: { x: 0, y: 0 } },
      { id: 'hello', type: 'set', name: 'Say hello', config: { fields: { message: '{{ env.GREETING }}, {{ trigger.body.name }}!' } }, notes: 'editor only' },
      { id: 'shout', type: 'workflow', config: { mode: 'local', workflow: 'shout-it', input: '{{ input }}' } },
    ],
    edges: [
      { source: 'start', target: 'hello' },
      { source: 'hello', target: 'shout' },
    ],
  },
  {
    id: 'shout-it',
    name: 'Shout it',
    version: 1,
    visibility: 'internal',
    trigger: { type: 'manual' },
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'loud', type: 'transform', config: { value: { loud: '{{ trigger.body.message | upper }}' } } },
    ],
    edges: [{ source: 'start', target: 'loud' }],
  },
  {
    id: 'orders',
    name: 'Order lines',
    version: 7,
    visibility: 'public',
    endpoint: { method: 'GET', path: '/orders/:id', auth: { secret: 'API_TOKEN', header: 'authorization' } },
    trigger: { type: 'webhook' },
    settings: { timeoutMs: 30_000, retry: { maxRetries: 2 } },
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'fetch', type: 'http', config: { url: 'https://api.example.com/orders/{{ trigger.params.id }}', headers: { Authorization: 'Bearer {{ secrets.STRIPE_KEY }}' } }, retry: { initialBackoffMs: 500 }, timeoutMs: 10_000, onError: 'output' },
      { id: 'lines', type: 'loop', config: { items: '{{ input.body.lines }}' } },
      { id: 'line', type: 'set', config: { fields: { sku: '{{ loop.item.sku }}', total: '{{ loop.item.qty * loop.item.price }}' } } },
      { id: 'sum', type: 'transform', config: { value: { lines: '{{ input }}', total: '{{ input | map("total") | sum }}' } } },
      { id: 'failed', type: 'respond', config: { status: 502, body: { error: '{{ input.error.message }}' } } },
    ],
    edges: [
      { source: 'start', target: 'fetch' },
      { source: 'fetch', target: 'lines' },
      { source: 'fetch', sourceOutput: 'error', target: 'failed' },
      { source: 'lines', sourceOutput: 'item', target: 'line' },
      { source: 'line', target: 'lines' },
      { source: 'lines', sourceOutput: 'done', target: 'sum' },
    ],
  },
].map((w) => WorkflowSchema.parse(w));
