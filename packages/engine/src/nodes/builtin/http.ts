import { toText } from '../../expr/index.js';
import type { NodeType } from '../types.js';
import { buildUrl, parseBody, requireHttp, send, statusFailure, stringHeaders } from './http-request.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function encodeBody(body: unknown, bodyType: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (bodyType === 'text') return toText(body);
  if (bodyType === 'form') {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    const params = new URLSearchParams();
    if (typeof body === 'object' && !Array.isArray(body)) for (const [k, v] of Object.entries(body)) params.append(k, toText(v));
    return params.toString();
  }
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(body);
}

/** An outbound HTTP request. */
export const httpNode: NodeType = {
  info: {
    type: 'http',
    name: 'HTTP request',
    category: 'action',
    description:
      'Sends an HTTP request and outputs { status, headers, body }. Error statuses fail the node (429 and 5xx are retried when the node has retries); network errors fail with their code (ECONNRESET, ETIMEDOUT, …).',
    fields: [
      { name: 'method', label: 'Method', type: 'select', default: 'GET', help: 'HTTP method.', options: METHODS.map((m) => ({ value: m, label: m })) },
      { name: 'url', label: 'URL', type: 'string', required: true, help: 'http or https URL.', placeholder: 'https://api.example.com/users/{{ input.id }}' },
      { name: 'headers', label: 'Headers', type: 'map', default: {}, help: 'Request headers. Use {{ secrets.NAME }} for tokens.' },
      { name: 'query', label: 'Query', type: 'map', default: {}, help: 'Query parameters added to the URL.' },
      { name: 'body', label: 'Body', type: 'json', help: 'The request body (not sent with GET or HEAD).', showIf: { field: 'method', equals: ['POST', 'PUT', 'PATCH', 'DELETE'] } },
      {
        name: 'bodyType',
        label: 'Body type',
        type: 'select',
        default: 'json',
        help: 'How the body is encoded.',
        options: [
          { value: 'json', label: 'JSON' },
          { value: 'text', label: 'Text' },
          { value: 'form', label: 'Form (urlencoded)' },
        ],
      },
      { name: 'timeoutMs', label: 'Timeout (ms)', type: 'number', default: 30_000, min: 1, max: 3_600_000, help: 'Time limit of the request.' },
      {
        name: 'responseType',
        label: 'Response',
        type: 'select',
        default: 'auto',
        help: 'auto: JSON when the response says so, text otherwise.',
        options: [
          { value: 'auto', label: 'Auto' },
          { value: 'json', label: 'JSON' },
          { value: 'text', label: 'Text' },
        ],
      },
      { name: 'failOnStatus', label: 'Fail on error status', type: 'boolean', default: true, help: 'Fail the node when the status is 400 or above.' },
    ],
    outputs: ['main'],
  },
  run: async ({ config, services, signal }) => {
    const http = requireHttp(services.http);
    const method = toText(config.method).toUpperCase();
    const url = buildUrl(config.url, config.query);
    const headers = stringHeaders(config.headers);
    const body = method === 'GET' || method === 'HEAD' ? undefined : encodeBody(config.body, config.bodyType, headers);
    const response = await send(http, { method, url, headers, body, timeoutMs: config.timeoutMs as number, signal });
    if (config.failOnStatus !== false && response.status >= 400) throw statusFailure(method, url, response);
    return { output: { status: response.status, headers: response.headers, body: parseBody(response, config.responseType) } };
  },
};
