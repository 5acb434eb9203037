/** The greet workflow of the issue, exactly as a user would save it. */
export const GREET_WORKFLOW = {
  id: 'greet',
  name: 'Greet',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/greet' },
  trigger: { type: 'webhook' },
  nodes: [
    { id: 'start', type: 'trigger', name: 'Webhook' },
    { id: 'hello', type: 'set', name: 'Say hello', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } } },
  ],
  edges: [{ source: 'start', target: 'hello' }],
};

/**
 * A public endpoint whose caller chooses how many items its loop goes over: each item is
 * doubled in the body, `done` collects them, `out` counts them and keeps the last.
 */
export const LOOP_WORKFLOW = {
  id: 'each',
  name: 'Each',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/each' },
  trigger: { type: 'webhook' },
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'loop', type: 'loop', config: { items: '{{ trigger.body.items }}' } },
    { id: 'double', type: 'set', config: { fields: { n: '{{ loop.item * 2 }}' } } },
    { id: 'out', type: 'set', config: { fields: { count: '{{ input | length }}', last: '{{ input | last }}' } } },
  ],
  edges: [
    { source: 'start', target: 'loop' },
    { source: 'loop', sourceOutput: 'item', target: 'double' },
    { source: 'double', target: 'loop' },
    { source: 'loop', sourceOutput: 'done', target: 'out' },
  ],
};
