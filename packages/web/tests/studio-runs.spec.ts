import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/fixtures';
import { api, node, openStudio, uniqueId } from './support/studio';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror="window.__xss=1">';
/** Set-node field names with a dot nest; this one has none. */
const IMG2 = '<img src=x onerror=alert(2)>';

async function assertInert(page: import('@playwright/test').Page): Promise<void> {
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('script:not([src])').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
}

test('HTML and script in project, workflow and node names and config stay inert text', async ({ guarded: page, hub }) => {
  const project = uniqueId('hostile');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: `${IMG} project` });
  const created = await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, {
    id: 'w',
    name: `${SCRIPT} workflow`,
    description: IMG,
    nodes: [
      { id: 'start', type: 'trigger', name: IMG, position: { x: 0, y: 0 } },
      { id: 'evil', type: 'set', name: SCRIPT, notes: IMG, config: { fields: { [IMG2]: `${SCRIPT}{{ trigger.body.html }}` } }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: 'start', target: 'evil' }],
  });
  expect(created.status).toBe(201);

  await page.goto(`/workflows/${project}`);
  await expect(page.getByRole('link', { name: `${SCRIPT} workflow` })).toBeVisible();
  await expect(page.getByLabel('Projects')).toContainText(`${IMG} project`);
  await assertInert(page);

  await openStudio(page, project, 'w');
  await expect(page.getByTestId('workflow-title')).toHaveText(`${SCRIPT} workflow`);
  await expect(node(page, 'start').getByTestId('node-name')).toHaveText(IMG);
  await expect(node(page, 'evil').getByTestId('node-name')).toHaveText(SCRIPT);
  await page.getByLabel('Trigger data').fill(JSON.stringify({ html: IMG }));
  await page.getByTestId('run-button').click();
  await expect(node(page, 'evil')).toHaveAttribute('data-status', 'succeeded');
  await node(page, 'evil').click();
  const panel = page.getByTestId('node-panel');
  await expect(panel.getByLabel('Node name')).toHaveValue(SCRIPT);
  await expect(panel.getByLabel('Fields name 1')).toHaveValue(IMG2);
  await expect(panel.getByLabel('Fields value 1')).toHaveText(`${SCRIPT}{{ trigger.body.html }}`);
  await expect(page.getByTestId('node-output')).toContainText(`${SCRIPT}${IMG}`);
  await assertInert(page);

  const runs = await api(hub.url, 'GET', `/api/v1/projects/${project}/workflows/w/runs`);
  await page.goto(`/workflows/${project}/w/runs/${runs.body.runs[0].id}`);
  await expect(page.getByTestId('run-page-status')).toHaveText('succeeded');
  await node(page, 'evil').click();
  await expect(page.getByTestId('run-page')).toContainText(`${SCRIPT}${IMG}`);
  await assertInert(page);
});

/** A local service that fails twice with 503, then answers; it counts every call. */
async function flakyServer(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((_req, res) => {
    calls += 1;
    if (calls <= 2) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"busy"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, call: calls }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/data`, calls: () => calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('retries show live on the canvas; a re-run from a downstream node does not call upstream again', async ({ guarded: page, hub }) => {
  const flaky = await flakyServer();
  try {
    const project = uniqueId('retry');
    await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
    await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, {
      id: 'w',
      name: 'Flaky',
      nodes: [
        { id: 'start', type: 'trigger', position: { x: 0, y: 0 } },
        { id: 'call', type: 'http', config: { method: 'GET', url: flaky.url }, retry: { maxRetries: 3, initialBackoffMs: 1500, multiplier: 1, jitter: 0 }, position: { x: 260, y: 0 } },
        { id: 'after', type: 'set', config: { fields: { ok: '{{ input.body.ok }}', call: '{{ input.body.call }}' } }, position: { x: 520, y: 0 } },
      ],
      edges: [
        { source: 'start', target: 'call' },
        { source: 'call', target: 'after' },
      ],
    });
    await openStudio(page, project, 'w');
    await page.getByTestId('run-button').click();
    await expect(node(page, 'call')).toHaveAttribute('data-status', 'retrying');
    await expect(node(page, 'call').getByTestId('node-status')).toContainText('attempt 1 of 4');
    await expect(node(page, 'call').getByTestId('node-status')).toContainText('attempt 2 of 4');
    await expect(node(page, 'after')).toHaveAttribute('data-status', 'succeeded');
    await expect(node(page, 'call').getByTestId('node-status')).toContainText('attempt 3');
    expect(flaky.calls()).toBe(3);

    await node(page, 'call').click();
    await expect(page.getByLabel('Attempts').locator('tbody tr')).toHaveCount(3);
    // Every attempt with its backoff: 1.5 s after each of the two failures, none after the success.
    await expect(page.getByTestId('attempt-backoff')).toHaveText([/^1\.5/, /^1\.5/, '']);
    await node(page, 'after').click();
    await expect(page.getByTestId('node-output')).toContainText('3');
    const firstRun = await page.getByTestId('run-status').getAttribute('data-run-id');

    // Run from "after": the http call's recorded result is reused, the service is not called.
    await page.getByRole('button', { name: 'Run from this node' }).click();
    await expect(page.getByTestId('run-status')).not.toHaveAttribute('data-run-id', firstRun!);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
    await expect(node(page, 'call').getByTestId('node-status')).toContainText('reused');
    await expect(node(page, 'after')).toHaveAttribute('data-status', 'succeeded');
    expect(flaky.calls()).toBe(3);
  } finally {
    await flaky.close();
  }
});

test('the run page follows an unfinished run to its end on the live channel', async ({ guarded: page, hub }) => {
  const project = uniqueId('runpage');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, {
    id: 'w',
    name: 'Slow',
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'pause', type: 'wait', config: { mode: 'duration', duration: '6s' } },
      { id: 'done', type: 'set', config: { fields: { ok: 'yes' } } },
    ],
    edges: [
      { source: 'start', target: 'pause' },
      { source: 'pause', target: 'done' },
    ],
  });
  const { body } = await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows/w/runs`, {});
  await page.goto(`/workflows/${project}/w/runs/${body.runId}`);
  await expect(page.getByTestId('run-page-status')).toHaveText('waiting');
  await expect(node(page, 'pause')).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('run-page-status')).toHaveText('succeeded', { timeout: 25_000 });
  await expect(node(page, 'done')).toHaveAttribute('data-status', 'succeeded');
});

test('a failing code node shows its error with the stack of what was thrown', async ({ guarded: page, hub }) => {
  const project = uniqueId('stack');
  expect((await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project, settings: { allowCode: true } })).status).toBe(201);
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, {
    id: 'w',
    name: 'Throws',
    nodes: [
      { id: 'start', type: 'trigger', position: { x: 0, y: 0 } },
      { id: 'boom', type: 'code', config: { code: 'function parseOrder(o) { throw new TypeError("no items in <order>"); }\nreturn parseOrder(input);' }, position: { x: 260, y: 0 } },
    ],
    edges: [{ source: 'start', target: 'boom' }],
  });
  await openStudio(page, project, 'w');
  await page.getByTestId('run-button').click();
  await expect(node(page, 'boom')).toHaveAttribute('data-status', 'failed');
  await node(page, 'boom').click();
  await expect(page.getByTestId('node-error')).toContainText('CODE_ERROR');
  await expect(page.getByTestId('node-error')).toContainText('TypeError: no items in <order>');
  await expect(page.getByTestId('node-error-stack')).toContainText('parseOrder');
});
