import type * as http from 'node:http';
import type * as https from 'node:https';
import { promisify } from 'node:util';
import type * as zlib from 'node:zlib';
import { builtin } from '../builtin.js';
import { isRetryableStatus, parseRetryAfter, type Transport, type TransportResult } from './transport.js';

let gzipAsync: ((data: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>) | undefined;
const gzip = (data: Buffer, options: zlib.ZlibOptions): Promise<Buffer> =>
  (gzipAsync ??= promisify(builtin<typeof zlib>('node:zlib').gzip))(data, options);
const MAX_REPLY = 64 * 1024;
// Below this, compressing costs more than it saves on loopback.
const GZIP_MIN = 1024;

export interface HttpTransportOptions {
  url: string;
  token?: string | undefined;
  timeoutMs: number;
  compression: 'gzip' | 'none';
  userAgent: string;
}

/**
 * POSTs JSON to the hub over node:http(s) with a keep-alive agent. Idle sockets are unref'd by
 * Node's agent, so the SDK never keeps the host process alive on its own.
 */
export class HttpTransport implements Transport {
  private readonly base: URL;
  // node:http(s) is loaded with the first request: a disabled SDK never pays for it.
  private client: { agent: http.Agent; request: typeof http.request } | undefined;

  constructor(private readonly options: HttpTransportOptions) {
    this.base = new URL(options.url);
  }

  private connection(): { agent: http.Agent; request: typeof http.request } {
    if (this.client === undefined) {
      const module = builtin<typeof http | typeof https>(this.base.protocol === 'https:' ? 'node:https' : 'node:http');
      this.client = { agent: new module.Agent({ keepAlive: true, maxSockets: 4 }), request: module.request as typeof http.request };
    }
    return this.client;
  }

  async send(path: string, json: string): Promise<TransportResult> {
    try {
      let body: Buffer = Buffer.from(json);
      const headers: http.OutgoingHttpHeaders = {
        'content-type': 'application/json',
        'user-agent': this.options.userAgent,
      };
      if (this.options.compression === 'gzip' && body.length >= GZIP_MIN) {
        body = await gzip(body, { level: 1 });
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = body.length;
      if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
      return await this.post(new URL(path, this.base), headers, body);
    } catch (error) {
      return { ok: false, retryable: true, error: describe(error) };
    }
  }

  close(): void {
    this.client?.agent.destroy();
  }

  private post(url: URL, headers: http.OutgoingHttpHeaders, body: Buffer): Promise<TransportResult> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (result: TransportResult) => {
        if (!settled) {
          settled = true;
          resolve(result);
        }
      };
      const { agent, request } = this.connection();
      const req = request(url, { method: 'POST', headers, agent, timeout: this.options.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_REPLY) chunks.push(chunk);
        });
        res.on('error', (error) => done({ ok: false, retryable: true, error: describe(error) }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) {
            done({ ok: true, status, body: text });
            return;
          }
          const retryAfter = header(res.headers['retry-after']);
          const result: TransportResult = {
            ok: false,
            retryable: isRetryableStatus(status),
            status,
            error: `HTTP ${status}: ${text.slice(0, 300)}`,
          };
          const retryAfterMs = parseRetryAfter(retryAfter);
          if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
          done(result);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no reply within ${this.options.timeoutMs} ms`)));
      req.on('error', (error) => done({ ok: false, retryable: true, error: describe(error) }));
      req.end(body);
    });
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
