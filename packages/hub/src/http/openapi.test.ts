import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';

/**
 * The hub serves an OpenAPI document of its whole HTTP API, and the document matches the routes
 * the hub really has: every documented operation is routed, and every route is documented
 * (except the dashboard's static files, which are not API).
 */

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'trace', 'search', 'propfind', 'query'];

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; parameters?: { in: string; name: string }[]; requestBody?: unknown }>>;
}

/** `METHOD /path/:param` for every route the router prints (HEAD left out: Fastify adds it to GETs). */
function routedOperations(tree: string): Set<string> {
  const operations = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!match) continue;
    const depth = [...match[1]!].length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack[depth] = path;
    for (const method of match[3]?.split(', ') ?? []) if (method !== 'HEAD') operations.add(`${method} ${path}`);
  }
  return operations;
}

function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');
}

let t: TestHub;
let doc: Doc;
beforeAll(async () => {
  t = await startTestHub({ logLevel: 'silent' });
  const res = await fetch(`${t.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(() => t.close());

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document in which every operation has a summary', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (METHODS.includes(method)) expect(operation.summary, `${method} ${path}`).toBeTruthy();
      }
    }
  });

  it('lists every route the hub has, and only those', () => {
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) if (METHODS.includes(method)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const routed = [...routedOperations(t.hub.app.printRoutes({ commonPrefix: false }))]
      // The dashboard's files (`/*` of @fastify/static) are not API.
      .filter((operation) => !operation.endsWith(' *'))
      .map((operation) => {
        const [method, path] = operation.split(' ') as [string, string];
        return `${method} ${toOpenApiPath(path)}`;
      });
    expect(routed.length).toBeGreaterThan(30);
    expect(routed.filter((operation) => !documented.has(operation)), 'routed but not documented').toEqual([]);
    for (const operation of documented) {
      const [method, path] = operation.split(' ') as [string, string];
      const url = path.replace(/\{\*\}$/, '*').replace(/\{(\w+)\}/g, ':$1');
      expect(t.hub.app.hasRoute({ method: method as 'GET', url }), `${operation} is documented but not routed`).toBe(true);
    }
  });

  it('describes parameters and bodies from the zod route schemas', () => {
    const names = (path: string, method: string, where: string) =>
      (doc.paths[path]![method]!.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
    expect(names('/api/v1/traces', 'get', 'query')).toEqual(expect.arrayContaining(['service', 'limit', 'cursor', 'from', 'to']));
    expect(names('/api/v1/spans/{spanId}', 'get', 'path')).toEqual(['spanId']);
    expect(names('/api/v1/projects/{project}/workflows/{workflow}/runs', 'post', 'query')).toEqual(expect.arrayContaining(['wait', 'timeoutMs']));
    expect(doc.paths['/api/v1/spans']!.post!.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/apps/heartbeat']!.post!.requestBody).toBeDefined();
  });

  it('answers a schema mismatch with the one error shape', async () => {
    const res = await fetch(`${t.url}/api/v1/traces?limit=0&kind=nonsense`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_QUERY');
    expect(body.error.message).toContain('limit');
  });
});
