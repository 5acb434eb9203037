import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestHub } from '../testing/test-hub.js';
import type { TestHub } from '../testing/test-hub.js';
import { UsageError } from './args.js';
import { exportCommand } from './export-command.js';

let hub: TestHub;
const out = mkdtempSync(join(tmpdir(), 'rh-export-cli-'));

beforeAll(async () => {
  hub = await startTestHub();
  const post = (path: string, body: unknown) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/api/v1/projects', { id: 'demo', name: 'Demo', settings: { allowCode: true } })).status).toBe(201);
  const greet = { id: 'greet', name: 'Greet', visibility: 'public', endpoint: { method: 'POST', path: '/greet' }, trigger: { type: 'webhook' }, nodes: [{ id: 'start', type: 'trigger' }], edges: [] };
  expect((await post('/api/v1/projects/demo/workflows', greet)).status).toBe(201);
});

afterAll(async () => {
  await hub?.close();
  rmSync(out, { recursive: true, force: true });
});

function capture(): { text: () => string; restore: () => void } {
  let text = '';
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    }),
  );
  return { text: () => text, restore: () => spies.forEach((s) => s.mockRestore()) };
}

describe('runtime-hub export', () => {
  it('writes the Python app of a project', async () => {
    const output = capture();
    const code = await exportCommand.run(['demo', '--python', '--out', join(out, 'py'), '--url', hub.url]);
    output.restore();
    expect(code, output.text()).toBe(0);
    expect(output.text()).toMatch(/wrote \d+ files of project "demo" \(python\)/);
    expect(readFileSync(join(out, 'py', 'main.py'), 'utf8')).toContain('@app.api_route("/greet", methods=["POST"])');
    expect(readFileSync(join(out, 'py', 'requirements.txt'), 'utf8')).toContain('fastapi==');
  });

  it('writes the TypeScript app, refuses a non-empty folder without --force', async () => {
    expect(await exportCommand.run(['demo', '--typescript', '--out', join(out, 'ts'), '--url', hub.url])).toBe(0);
    expect(readFileSync(join(out, 'ts', 'src', 'server.ts'), 'utf8')).toContain('url: "/greet"');
    await expect(exportCommand.run(['demo', '--typescript', '--out', join(out, 'ts'), '--url', hub.url])).rejects.toThrow(/not empty/);
  });

  it('says what is wrong: no language, two languages, an unknown project, a refused node', async () => {
    await expect(exportCommand.run(['demo', '--out', join(out, 'x')])).rejects.toBeInstanceOf(UsageError);
    await expect(exportCommand.run(['demo', '--python', '--typescript', '--out', join(out, 'x')])).rejects.toThrow(/choose one language/);
    const output = capture();
    const missing = await exportCommand.run(['nope', '--python', '--out', join(out, 'nope'), '--url', hub.url]);
    const code = { id: 'calc', name: 'Calc', nodes: [{ id: 'start', type: 'trigger' }, { id: 'js', type: 'code', config: { code: 'return 1' } }], edges: [{ source: 'start', target: 'js' }] };
    await fetch(`${hub.url}/api/v1/projects/demo/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(code) });
    const refused = await exportCommand.run(['demo', '--python', '--out', join(out, 'refused'), '--url', hub.url]);
    output.restore();
    expect([missing, refused]).toEqual([1, 1]);
    expect(output.text()).toContain('PROJECT_NOT_FOUND');
    expect(output.text()).toContain('EXPORT_REFUSED');
    expect(output.text()).toContain('workflow "calc", node "js": a JavaScript code node cannot run in a Python export');
  });
});
