/**
 * Test fixtures of deployments: a public webhook workflow whose answer shows that the app runs and
 * holds the project's secret (its length, never its value), and a call to it on a deployed app.
 */
export function greetWorkflow(message = 'Hello') {
  return {
    id: 'greet',
    name: 'Greet',
    visibility: 'public',
    endpoint: { method: 'POST', path: '/greet' },
    trigger: { type: 'webhook' },
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'hello', type: 'set', config: { fields: { message: `${message}, {{ trigger.body.name }}!`, auth: '{{ secrets.API_KEY | length }}' } } },
    ],
    edges: [{ source: 'start', target: 'hello' }],
  };
}

/** POST /greet { name: 'Ada' } on a deployed app; its JSON answer. */
export async function callGreet(url: string): Promise<unknown> {
  const response = await fetch(`${url}/greet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }), signal: AbortSignal.timeout(10_000) });
  return response.json();
}
