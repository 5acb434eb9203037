import type { WorkflowDefinition } from '@runtime-hub/protocol';

/** Where the run bar remembers a workflow's trigger data (per browser). */
export function triggerDataKey(project: string, workflow: string): string {
  return `runtime-hub.studio.trigger.${project}/${workflow}`;
}

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * The webhook call of a public workflow as a copyable curl: its method and URL, the trigger data
 * as the body (not for GET), and, when the endpoint checks a credential, the header it reads with
 * the secret as a shell variable (`$NAME`, never its value: the browser does not know it).
 */
export function curlOf(origin: string, project: string, workflow: WorkflowDefinition, body: string): string | null {
  if (workflow.visibility !== 'public' || !workflow.endpoint) return null;
  const { method, path, auth } = workflow.endpoint;
  const parts = ['curl', '-X', method, quote(`${origin}/w/${project}${path}`)];
  if (auth) {
    const header = auth.header ?? 'authorization';
    parts.push('-H', `"${header}: ${header === 'authorization' ? 'Bearer ' : ''}$${auth.secret}"`);
  }
  if (method !== 'GET') parts.push('-H', quote('content-type: application/json'), '-d', quote(body.trim() === '' ? 'null' : body));
  return parts.join(' ');
}
