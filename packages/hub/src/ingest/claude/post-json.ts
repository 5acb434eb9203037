import { request as httpRequest } from 'node:http';

export interface PostResult {
  /** HTTP status, or 0 when no reply came (refused, reset, timed out). */
  status: number;
  body: string;
}

/**
 * POSTs JSON with one deadline for connect, send and reply. Plain `node:http` rather than
 * `fetch`: loading fetch's implementation costs a short-lived process more than the request.
 */
export async function postJson(url: string, body: unknown, options: { token?: string; timeoutMs: number }): Promise<PostResult> {
  const target = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': payload.length };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const request = target.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(target, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => done({ status: 0, body: '' }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, body: '' });
    }, options.timeoutMs);
    req.on('error', () => done({ status: 0, body: '' }));
    req.end(payload);
  });
}
