import { NodeFailure } from '../../errors.js';
import { toText } from '../../expr/index.js';
import type { NodeType } from '../types.js';
import { buildUrl, parseBody, requireHttp, send, statusFailure, stringHeaders } from './http-request.js';

/** Calls another workflow: in-process in the same project, or a public endpoint over HTTP. */
export const workflowCallNode: NodeType = {
  info: {
    type: 'workflow',
    name: 'Call workflow',
    category: 'flow',
    description:
      'local: runs another workflow of this project in-process (no HTTP) and outputs its result; the called run is a child of this node in the trace. http: calls a public endpoint of another hub or app and outputs the response body.',
    fields: [
      {
        name: 'mode',
        label: 'Call type',
        type: 'select',
        default: 'local',
        help: 'local: same project, in-process. http: any URL.',
        options: [
          { value: 'local', label: 'Local (same project)' },
          { value: 'http', label: 'HTTP (external)' },
        ],
      },
      { name: 'workflow', label: 'Workflow', type: 'workflow', required: true, help: 'The workflow to run (public or internal).', showIf: { field: 'mode', equals: ['local'] } },
      { name: 'url', label: 'URL', type: 'string', required: true, help: 'Example: https://other-hub.example.com/w/billing/invoice', showIf: { field: 'mode', equals: ['http'] } },
      {
        name: 'method',
        label: 'Method',
        type: 'select',
        default: 'POST',
        help: 'HTTP method.',
        options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ value: m, label: m })),
        showIf: { field: 'mode', equals: ['http'] },
      },
      { name: 'headers', label: 'Headers', type: 'map', default: {}, help: 'Request headers.', showIf: { field: 'mode', equals: ['http'] } },
      { name: 'input', label: 'Input', type: 'json', default: '{{ input }}', help: 'What the called workflow receives as trigger.body.' },
      { name: 'wait', label: 'Wait for the result', type: 'boolean', default: true, help: 'Off: start the run and output { runId } at once.', showIf: { field: 'mode', equals: ['local'] } },
      { name: 'timeoutMs', label: 'Timeout (ms)', type: 'number', default: 300_000, min: 1, max: 30 * 86_400_000, help: 'HTTP calls: time limit of the request.' },
    ],
    outputs: ['main'],
  },
  run: async (context) => {
    const { config, signal } = context;
    if (config.mode === 'http') {
      const http = requireHttp(context.services.http);
      const method = toText(config.method).toUpperCase();
      const url = buildUrl(config.url, undefined);
      const headers = { 'content-type': 'application/json', ...stringHeaders(config.headers) };
      const body = method === 'GET' ? undefined : JSON.stringify(config.input ?? null);
      const response = await send(http, { method, url, headers, body, timeoutMs: config.timeoutMs as number, signal });
      if (response.status >= 400) throw statusFailure(method, url, response);
      return { output: parseBody(response, 'auto') };
    }
    const result = await context.services.callWorkflow({ workflow: toText(config.workflow), input: config.input, wait: config.wait !== false, signal });
    if (config.wait === false) return { output: { runId: result.runId, status: result.status } };
    if (result.status !== 'succeeded') {
      throw new NodeFailure('CALL_FAILED', `workflow "${toText(config.workflow)}" ${result.status} (run ${result.runId})`, {
        details: { runId: result.runId, status: result.status, error: result.output },
      });
    }
    return { output: result.output ?? null };
  },
};
