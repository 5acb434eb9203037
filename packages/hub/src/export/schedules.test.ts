import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from '../testing/test-hub.js';
import type { TestHub } from '../testing/test-hub.js';
import { runExport } from './testing/exported-apps.js';
import type { RunningExport } from './testing/exported-apps.js';

/**
 * An exported app runs its cron workflows on their schedules, as the hub does: each app, really
 * installed and started, calls a local server from a workflow that fires every second, with the
 * hub's cron trigger data. With SCHEDULES=off it fires nothing.
 */
let hub: TestHub;
let sink: Server;
let sinkUrl = '';
const calls: { app: string; trigger: { type: string; scheduledAt: string; firedAt: string } }[] = [];

beforeAll(async () => {
  sink = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      calls.push(JSON.parse(body) as (typeof calls)[number]);
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}/tick`;
  hub = await startTestHub();
  const post = (path: string, body: unknown) => fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('/api/v1/projects', { id: 'ticker', name: 'Ticker', env: { APP: 'unset' } })).status).toBe(201);
  const tick = {
    id: 'tick',
    name: 'Tick',
    trigger: { type: 'cron', expression: '* * * * * *', timezone: 'Europe/Zurich' },
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'report', type: 'http', config: { method: 'POST', url: sinkUrl, body: { app: '{{ env.APP }}', trigger: '{{ trigger }}' } } },
    ],
    edges: [{ source: 'start', target: 'report' }],
  };
  expect((await post('/api/v1/projects/ticker/workflows', tick)).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await new Promise((resolve) => sink?.close(resolve));
});

async function exported(language: 'python' | 'typescript', env: Record<string, string>): Promise<RunningExport> {
  const files = ((await (await fetch(`${hub.url}/api/v1/projects/ticker/export?language=${language}`)).json()) as { files: { path: string; content: string }[] }).files;
  return runExport(language, files, env);
}

async function until(check: () => boolean, ms: number): Promise<void> {
  for (const deadline = Date.now() + ms; !check() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe.each(['python', 'typescript'] as const)('an exported %s app with a cron workflow', (language) => {
  it('runs it on its schedule with the hub\'s trigger data, and not at all with SCHEDULES=off', async () => {
    const off = await exported(language, { APP: `${language}-off`, SCHEDULES: 'off' });
    const on = await exported(language, { APP: language });
    try {
      const mine = () => calls.filter((c) => c.app === language);
      await until(() => mine().length >= 3, 30_000);
      const fired = mine();
      expect(fired.length).toBeGreaterThanOrEqual(3);
      for (const { trigger } of fired) {
        expect(trigger.type).toBe('cron');
        expect(trigger.scheduledAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
        expect(Date.parse(trigger.firedAt)).toBeGreaterThanOrEqual(Date.parse(trigger.scheduledAt));
      }
      const scheduled = fired.map((c) => Date.parse(c.trigger.scheduledAt));
      expect(new Set(scheduled).size).toBe(scheduled.length); // each second once
      expect(calls.filter((c) => c.app === `${language}-off`)).toEqual([]);
    } finally {
      await Promise.all([on.close(), off.close()]);
    }
  }, 300_000);
});
