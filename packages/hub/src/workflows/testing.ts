/** Small helpers for the workflow HTTP tests. */
export interface ApiResult {
  status: number;
  // Tests read arbitrary JSON from the API.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
}

export function apiClient(baseUrl: string) {
  return async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed, text, headers: response.headers };
  };
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const GREET = {
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
