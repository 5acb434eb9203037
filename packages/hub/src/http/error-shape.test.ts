import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '@runtime-hub/protocol';
import { hexId, startTestHub, type TestHub } from '../testing/test-hub.js';

/**
 * Every error reply of the hub has the shape `{ error: { code, message, details? } }`, its code is
 * in the one registry (packages/protocol/src/errors.ts) and its status is the registry's status
 * for that code. Many bad requests, each a different way in, at a real hub (issue 16).
 */

interface Bad {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The code the hub must answer with. */
  code: string;
}

const json = { 'content-type': 'application/json' };
const TOKEN = 'shape-token';

function send(url: string, bad: Bad): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${bad.path}`, { method: bad.method, headers: bad.headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('error', reject);
    req.end(bad.body);
  });
}

function expectShape(bad: Bad, reply: { status: number; contentType: string; body: string }): void {
  const what = `${bad.method} ${bad.path}`;
  expect(reply.contentType, what).toContain('application/json');
  const body = JSON.parse(reply.body) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body).filter((k) => k !== 'error' && k !== 'code' && k !== 'message'), what).toEqual([]);
  expect(typeof body.error?.message, what).toBe('string');
  expect(isErrorCode(body.error?.code), `${what}: ${String(body.error?.code)} is in the registry`).toBe(true);
  expect(body.error?.code, what).toBe(bad.code);
  expect(reply.status, what).toBe(ERROR_CODES[bad.code as keyof typeof ERROR_CODES].status);
}

const unknownTrace = hexId(32);
const unknownSpan = hexId(16);

const BAD_REQUESTS: Bad[] = [
  { method: 'GET', path: '/api/v1/nope', code: 'NOT_FOUND' },
  { method: 'DELETE', path: '/api/v1/traces', code: 'NOT_FOUND' },
  { method: 'GET', path: '/missing.js', code: 'NOT_FOUND' },
  { method: 'GET', path: '/api/v1/traces?limit=0', code: 'INVALID_QUERY' },
  { method: 'GET', path: '/api/v1/traces?cursor=%21%21%21', code: 'INVALID_CURSOR' },
  { method: 'GET', path: '/api/v1/spans?traceId=xyz', code: 'INVALID_QUERY' },
  { method: 'GET', path: '/api/v1/sessions?from=yesterday-ish', code: 'INVALID_QUERY' },
  { method: 'GET', path: '/api/v1/errors?bucketMs=-5', code: 'INVALID_QUERY' },
  { method: 'GET', path: '/api/v1/export?format=xml', code: 'INVALID_QUERY' },
  { method: 'GET', path: `/api/v1/traces/${unknownTrace}`, code: 'TRACE_NOT_FOUND' },
  { method: 'GET', path: `/api/v1/traces/${unknownTrace}/outline`, code: 'TRACE_NOT_FOUND' },
  { method: 'GET', path: '/api/v1/traces/not-hex', code: 'INVALID_QUERY' },
  { method: 'GET', path: `/api/v1/spans/${unknownSpan}`, code: 'SPAN_NOT_FOUND' },
  { method: 'GET', path: '/api/v1/spans/not-hex', code: 'INVALID_QUERY' },
  { method: 'GET', path: '/api/v1/traces/%E0%A4%A', code: 'INVALID_REQUEST' },
  { method: 'POST', path: '/api/v1/spans', headers: json, body: '', code: 'INVALID_JSON' },
  { method: 'POST', path: '/api/v1/spans', headers: json, body: '{"spans": [', code: 'INVALID_JSON' },
  { method: 'POST', path: '/api/v1/spans', headers: json, body: '{"spans": 3}', code: 'INVALID_BODY' },
  { method: 'POST', path: '/api/v1/spans', headers: json, body: '[]', code: 'INVALID_BODY' },
  { method: 'POST', path: '/api/v1/spans', headers: { 'content-type': 'text/plain' }, body: 'hello', code: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'POST', path: '/api/v1/spans', headers: { ...json, 'content-encoding': 'zstd' }, body: '{}', code: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'POST', path: '/api/v1/spans', headers: { ...json, 'content-encoding': 'gzip' }, body: 'not gzip at all', code: 'INVALID_BODY' },
  { method: 'POST', path: '/api/v1/spans', headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(3 * 1024 * 1024, 32)), code: 'PAYLOAD_TOO_LARGE' },
  { method: 'POST', path: '/api/v1/spans', headers: json, body: `{"spans":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`, code: 'PAYLOAD_TOO_LARGE' },
  { method: 'POST', path: '/api/v1/apps/heartbeat', headers: json, body: '{}', code: 'INVALID_BODY' },
  { method: 'POST', path: '/api/v1/apps/heartbeat', headers: json, body: '"alive"', code: 'INVALID_BODY' },
  { method: 'POST', path: '/api/v1/hooks/claude', headers: json, body: '[1,2]', code: 'INVALID_BODY' },
  { method: 'POST', path: '/api/v1/hooks/claude', headers: json, body: '{"events": {}}', code: 'INVALID_BODY' },
  { method: 'POST', path: '/v1/traces', headers: json, body: '{"resourceSpans": 5', code: 'INVALID_JSON' },
  { method: 'POST', path: '/v1/traces', headers: { 'content-type': 'text/plain' }, body: 'x', code: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'GET', path: '/api/v1/projects/no-such-project', code: 'PROJECT_NOT_FOUND' },
  { method: 'GET', path: '/api/v1/projects/no-such-project/workflows/none', code: 'PROJECT_NOT_FOUND' },
  { method: 'POST', path: '/api/v1/projects', headers: json, body: '{"id": 7}', code: 'PROJECT_INVALID' },
  { method: 'GET', path: '/api/v1/runs/no-such-run', code: 'INVALID_QUERY' },
  { method: 'GET', path: `/api/v1/runs/${hexId(32)}`, code: 'RUN_NOT_FOUND' },
  { method: 'GET', path: '/api/v1/runs?limit=abc', code: 'INVALID_QUERY' },
  { method: 'GET', path: '/api/v1/cron/next?expr=nonsense', code: 'INVALID_QUERY' },
  { method: 'POST', path: '/w/no-such-project/hook', headers: json, body: '{}', code: 'ENDPOINT_NOT_FOUND' },
  { method: 'GET', path: '/api/health', headers: { origin: 'http://evil.example' }, code: 'ORIGIN_NOT_ALLOWED' },
];

describe('every error reply has the one shape and a registered code', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ bodyLimitBytes: 1024 * 1024, logLevel: 'silent' });
  });
  afterAll(() => t.close());

  for (const bad of BAD_REQUESTS) {
    it(`${bad.method} ${bad.path.slice(0, 60)} → ${bad.code}`, async () => {
      expectShape(bad, await send(t.url, bad));
      expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
    });
  }

  it('a malformed HTTP request gets the shape too', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(t.url).port), '127.0.0.1', () => socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };
    expect(body.error.code).toBe('INVALID_REQUEST');
  });
});

describe('with a token', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ token: TOKEN, logLevel: 'silent' });
  });
  afterAll(() => t.close());

  it('401 and 403 replies have the shape', async () => {
    const port = new URL(t.url).port;
    for (const bad of [
      { method: 'GET', path: '/api/v1/traces', code: 'UNAUTHORIZED' },
      { method: 'POST', path: '/api/v1/spans', headers: json, body: '{"spans":[]}', code: 'UNAUTHORIZED' },
      { method: 'GET', path: '/', code: 'UNAUTHORIZED' },
      { method: 'GET', path: '/api/health', headers: { host: `rebound.example:${port}` }, code: 'HOST_NOT_ALLOWED' },
    ] as Bad[]) {
      expectShape(bad, await send(t.url, bad));
    }
  });
});
