import type { WorkflowDefinition } from '@runtime-hub/protocol';

/**
 * Public endpoints: `/w/<project><endpoint.path>` with the endpoint's method. Path segments
 * starting with `:` capture a parameter (`/users/:id` → `params.id`).
 */
export interface EndpointMatch {
  workflow: WorkflowDefinition;
  params: Record<string, string>;
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export function matchEndpoint(workflows: readonly WorkflowDefinition[], method: string, path: string): EndpointMatch | undefined {
  const wanted = segments(path);
  let best: EndpointMatch | undefined;
  let bestLiterals = -1;
  for (const workflow of workflows) {
    if (workflow.visibility !== 'public' || !workflow.endpoint || workflow.endpoint.method !== method) continue;
    const pattern = segments(workflow.endpoint.path);
    if (pattern.length !== wanted.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const part = pattern[i] as string;
      const value = wanted[i] as string;
      if (part.startsWith(':')) {
        try {
          params[part.slice(1)] = decodeURIComponent(value);
        } catch {
          ok = false;
        }
      } else if (part === value) literals++;
      else ok = false;
    }
    // A literal segment beats a parameter: `/users/me` wins over `/users/:id`.
    if (ok && literals > bestLiterals) {
      best = { workflow, params };
      bestLiterals = literals;
    }
  }
  return best;
}
