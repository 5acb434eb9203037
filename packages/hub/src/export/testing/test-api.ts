import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The local HTTP server the equivalence workflows call (in place of the APIs a real project
 * calls): /echo answers what it got, /flaky/:key fails with 503 the first `fails` times per key,
 * /status/:code answers that status, /slow waits, /text answers plain text, /hook takes a
 * notification. Every runner (hub, Python app, TypeScript app) sends its own keys.
 */
export interface TestApi {
  url: string;
  hooks: unknown[];
  close(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const attempts = new Map<string, number>();
  const hooks: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const [, route, arg] = url.pathname.split('/');
      let body: unknown = text;
      if ((req.headers['content-type'] ?? '').includes('json') && text) body = JSON.parse(text) as unknown;
      switch (route) {
        case 'echo':
          return json(200, { method: req.method, query: Object.fromEntries(url.searchParams), body, type: req.headers['content-type'] ?? null, test: req.headers['x-test'] ?? null });
        case 'flaky': {
          const key = arg ?? '';
          const count = (attempts.get(key) ?? 0) + 1;
          attempts.set(key, count);
          const fails = Number(url.searchParams.get('fails') ?? 1);
          return count <= fails ? json(503, { error: 'try again', attempt: count }) : json(200, { ok: true, attempts: count });
        }
        case 'status':
          return json(Number(arg), { status: Number(arg) });
        case 'slow':
          setTimeout(() => json(200, { slow: true }), Number(url.searchParams.get('ms') ?? 1000));
          return;
        case 'text':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('plain text');
          return;
        case 'hook':
          hooks.push(body);
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        default:
          return json(404, { error: 'no route' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hooks,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
