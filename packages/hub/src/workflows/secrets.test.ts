import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub, type HubProcess } from '../testing/hub-process.js';
import { apiClient, eventually } from './testing.js';

const SECRET = 'sk_live_Zq8-very-secret-VALUE-4242';
const DERIVED = Buffer.from(SECRET).toString('base64');

// An API that reflects everything it receives, including the Authorization header.
const echo = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const status = req.url?.startsWith('/fail') ? 500 : 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, auth: req.headers.authorization, derived: req.headers['x-derived'], body }));
  });
});

let dataDir: string;
let hub: HubProcess;
let echoUrl: string;
let logs = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'rh-secrets-'));
  hub = await spawnHub(['--port', '0', '--data', dataDir, '--log-level', 'trace']);
  hub.proc.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
});

afterAll(async () => {
  hub.proc.kill('SIGTERM');
  await hub.exited;
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets', () => {
  it('never appear in an API response, a span, a log line or a file on disk', async () => {
    const api = apiClient(hub.url);
    const responses: string[] = [];
    const record = async (...args: Parameters<typeof api>) => {
      const result = await api(...args);
      responses.push(result.text, JSON.stringify([...result.headers]));
      return result;
    };
    await record('POST', '/api/v1/projects', { id: 'vault', name: 'Vault', settings: { allowShell: true, allowCode: true } });
    expect((await record('PUT', '/api/v1/projects/vault/secrets/TOKEN', { value: SECRET })).body).toEqual({ secret: { name: 'TOKEN', updatedAt: expect.any(String) } });
    expect((await record('PUT', '/api/v1/projects/vault/secrets/bad-name', { value: 'x' })).status).toBe(400);
    const leaky = {
      id: 'leaky',
      name: 'Leaky',
      visibility: 'public',
      endpoint: { method: 'POST', path: '/leak' },
      trigger: { type: 'webhook' },
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', config: { method: 'POST', url: `${echoUrl}/ok?key={{ secrets.TOKEN }}`, headers: { Authorization: 'Bearer {{ secrets.TOKEN }}', 'x-derived': '{{ secrets.TOKEN | base64 }}' }, body: { token: '{{ secrets.TOKEN }}' } } },
        { id: 'sh', type: 'shell', config: { command: 'echo "token=$T"; echo "$T" >&2', env: { T: '{{ secrets.TOKEN }}' } } },
        { id: 'js', type: 'code', config: { code: 'console.log(trigger.body.pasted); return { pasted: trigger.body.pasted, echoed: nodes.call.output.body };' } },
        { id: 'fail', type: 'http', config: { method: 'POST', url: `${echoUrl}/fail/{{ secrets.TOKEN }}` } },
      ],
      edges: [
        { source: 'start', target: 'call' },
        { source: 'call', target: 'sh' },
        { source: 'sh', target: 'js' },
        { source: 'js', target: 'fail' },
      ],
    };
    expect((await record('POST', '/api/v1/projects/vault/workflows', leaky)).status).toBe(201);
    const answer = await record('POST', '/w/vault/leak', { pasted: `the caller pasted ${SECRET} here` });
    expect(answer.status).toBe(500);
    const runId = answer.headers.get('x-runtime-hub-run-id') as string;
    const detail = await record('GET', `/api/v1/runs/${runId}`);
    expect(detail.body.run.status).toBe('failed');
    // The secret was really used: the echo server saw it, and the run saw the echo, redacted.
    expect(detail.body.steps.find((s: { nodeId: string }) => s.nodeId === 'call').output.body.auth).toBe('Bearer [secret:TOKEN]');
    // A value derived from the secret by a filter is a secret too.
    expect(detail.body.steps.find((s: { nodeId: string }) => s.nodeId === 'call').output.body.derived).toBe('[secret:TOKEN]');
    expect(detail.body.steps.find((s: { nodeId: string }) => s.nodeId === 'sh').output.stdout).toBe('token=[secret:TOKEN]\n');
    const trace = await eventually(async () => {
      const { body } = await api('GET', `/api/v1/traces/${detail.body.run.traceId}`);
      return body.spans?.length >= 6 && body.spans.every((s: { endTime: number | null }) => s.endTime !== null) ? body : undefined;
    });
    responses.push(JSON.stringify(trace));
    for (const path of [
      '/api/v1/projects',
      '/api/v1/projects/vault',
      '/api/v1/projects/vault/secrets',
      '/api/v1/projects/vault/workflows',
      '/api/v1/projects/vault/workflows/leaky',
      '/api/v1/projects/vault/env',
      '/api/v1/runs?project=vault',
      `/api/v1/spans?service=vault&limit=500`,
      `/api/v1/traces?service=vault`,
      '/api/v1/errors',
      '/api/v1/export?format=jsonl',
      '/api/v1/node-types',
    ]) {
      const result = await record('GET', path);
      expect(result.status, path).toBeLessThan(400);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const everything = responses.join('\n');
    expect(everything).toContain('[secret:TOKEN]');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(DERIVED);
    // Stopped here so that the log lines of the shutdown are searched too (and there are some).
    hub.proc.kill('SIGTERM');
    await hub.exited;
    expect(logs.length).toBeGreaterThan(0);
    expect(logs + hub.stderr()).not.toContain(SECRET);
    expect(logs + hub.stderr()).not.toContain(DERIVED);

    // At rest: nothing but the encrypted value; the key file is private.
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && f.name !== 'secret.key')
      .map((f) => join(f.parentPath, f.name));
    expect(files.some((f) => f.endsWith('workflows.sqlite'))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(Buffer.from(SECRET)) || readFileSync(file).includes(Buffer.from(DERIVED)), file).toBe(false);
  });
});
