import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { curlOf } from './curl';

const base: WorkflowDefinition = {
  id: 'greet',
  name: 'Greet',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/greet' },
  trigger: { type: 'webhook' },
  settings: {},
  nodes: [],
  edges: [],
};

describe('curlOf', () => {
  it('posts the remembered trigger data, quoted for the shell', () => {
    expect(curlOf('http://127.0.0.1:8765', 'demo', base, `{"name":"O'Brien"}`)).toBe(
      `curl -X POST 'http://127.0.0.1:8765/w/demo/greet' -H 'content-type: application/json' -d '{"name":"O'\\''Brien"}'`,
    );
  });

  it('names the secret an endpoint checks as a shell variable, and sends no body with GET', () => {
    const get = { ...base, endpoint: { method: 'GET' as const, path: '/greet', auth: { secret: 'HOOK_TOKEN', header: 'authorization' } } };
    expect(curlOf('http://h', 'demo', get, '{}')).toBe(`curl -X GET 'http://h/w/demo/greet' -H "authorization: Bearer $HOOK_TOKEN"`);
    const custom = { ...base, endpoint: { method: 'POST' as const, path: '/in', auth: { secret: 'SIG', header: 'x-signature' } } };
    expect(curlOf('http://h', 'demo', custom, '')).toContain(`-H "x-signature: $SIG" -H 'content-type: application/json' -d 'null'`);
  });

  it('internal workflows have no webhook', () => {
    expect(curlOf('http://h', 'demo', { ...base, visibility: 'internal' }, '{}')).toBeNull();
  });
});
