import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/fixtures';
import { api, editorJson, node, openStudio, uniqueId } from './support/studio';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** A local service answering { name, call } that counts every call. */
async function countingServer(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((_req, res) => {
    calls += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'live', call: calls }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/user`, calls: () => calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function createWorkflow(hubUrl: string, project: string, url: string): Promise<void> {
  await api(hubUrl, 'POST', '/api/v1/projects', { id: project, name: project });
  const created = await api(hubUrl, 'POST', `/api/v1/projects/${project}/workflows`, {
    id: 'w',
    name: 'Pins',
    visibility: 'public',
    endpoint: { method: 'POST', path: '/who' },
    trigger: { type: 'webhook' },
    nodes: [
      { id: 'start', type: 'trigger', position: { x: 0, y: 0 } },
      { id: 'fetch', type: 'http', config: { method: 'GET', url }, position: { x: 260, y: 0 } },
      { id: 'shape', type: 'set', config: { fields: { who: '{{ input.body.name }}' } }, position: { x: 520, y: 0 } },
    ],
    edges: [
      { source: 'start', target: 'fetch' },
      { source: 'fetch', target: 'shape' },
    ],
    settings: { outputNode: 'shape' },
  });
  expect(created.status).toBe(201);
}

test('pinned data: pin the last output, edit it; manual runs use it, the webhook calls the service', async ({ guarded: page, hub }) => {
  const service = await countingServer();
  try {
    const project = uniqueId('pins');
    await createWorkflow(hub.url, project, service.url);
    await openStudio(page, project, 'w');
    // The webhook as a copyable curl, with the trigger data of the run bar.
    await page.getByLabel('Trigger data').fill('{"name":"Ada"}');
    await expect(page.getByTestId('curl')).toHaveText(`curl -X POST '${hub.url}/w/${project}/who' -H 'content-type: application/json' -d '{"name":"Ada"}'`);
    await page.getByTestId('run-button').click();
    await expect(node(page, 'shape')).toHaveAttribute('data-status', 'succeeded');
    expect(service.calls()).toBe(1);

    // Pin the output the run recorded, then edit the pin's JSON.
    await node(page, 'fetch').click();
    await page.getByRole('button', { name: '📌 Pin output' }).click();
    await expect(node(page, 'fetch')).toHaveAttribute('data-pinned', 'true');
    await expect(node(page, 'fetch').getByTestId('pinned-badge')).toBeVisible();
    await page.getByRole('button', { name: 'Edit pin' }).click();
    await page.getByLabel('Pinned output JSON').fill('{ "status": 200, "body": { "name": "pinned Ada" } ');
    await page.getByRole('button', { name: 'Pin', exact: true }).click();
    await expect(page.getByTestId('pin-section').getByRole('alert')).toContainText('Not JSON');
    await page.getByLabel('Pinned output JSON').fill('{ "status": 200, "body": { "name": "pinned Ada" } }');
    await page.getByRole('button', { name: 'Pin', exact: true }).click();
    await expect(page.getByTestId('pinned-output')).toContainText('pinned Ada');

    // Running saves first; the manual run uses the pin: no call to the service.
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('version')).toHaveText('v2');
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
    await expect(node(page, 'fetch').getByTestId('node-status')).toContainText('pinned data');
    await expect(page.getByTestId('run-output')).toContainText('pinned Ada');
    expect(service.calls()).toBe(1);
    const saved = await api(hub.url, 'GET', `/api/v1/projects/${project}/workflows/w`);
    expect(saved.body.workflow.pinned).toEqual({ fetch: { status: 200, body: { name: 'pinned Ada' } } });

    // A webhook call never uses pins.
    const hook = await api(hub.url, 'POST', `/w/${project}/who`, {});
    expect(hook.body).toEqual({ who: 'live' });
    expect(service.calls()).toBe(2);

    // Unpinning is an edit like any other: undo brings the pin back.
    await node(page, 'fetch').click();
    await page.getByRole('button', { name: 'Unpin' }).click();
    await expect(node(page, 'fetch')).not.toHaveAttribute('data-pinned', 'true');
    await page.keyboard.press('Control+z');
    await expect(node(page, 'fetch')).toHaveAttribute('data-pinned', 'true');
  } finally {
    await service.close();
  }
});

test('run from this node with an edited input: upstream is not called again, the node gets the input', async ({ guarded: page, hub }) => {
  const service = await countingServer();
  try {
    const project = uniqueId('edit-input');
    await createWorkflow(hub.url, project, service.url);
    await openStudio(page, project, 'w');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
    const first = await page.getByTestId('run-status').getAttribute('data-run-id');
    expect(service.calls()).toBe(1);

    await node(page, 'shape').click();
    await page.getByRole('button', { name: 'Edit input…' }).click();
    await expect(page.getByLabel('Edited input JSON')).toHaveValue(/"live"/);
    await page.getByLabel('Edited input JSON').fill('{ "status": 200, "body": { "name": "<b>edited</b>" } }');
    await page.getByRole('button', { name: 'Run from here with this input' }).click();
    await expect(page.getByTestId('run-status')).not.toHaveAttribute('data-run-id', first!);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
    await expect(node(page, 'fetch').getByTestId('node-status')).toContainText('reused');
    await expect(page.getByTestId('run-output')).toContainText('<b>edited</b>');
    expect(service.calls()).toBe(1);
    expect(await page.locator('[data-testid="run-output"] b').count()).toBe(0);

    const runId = await page.getByTestId('run-status').getAttribute('data-run-id');
    const detail = await api(hub.url, 'GET', `/api/v1/runs/${runId}`);
    expect(detail.body.run).toMatchObject({ rerunOf: first, rerunFrom: 'shape', rerunInput: { body: { name: '<b>edited</b>' } } });
  } finally {
    await service.close();
  }
});

test('a pin holding a project secret is refused on save, naming the secret and the node', async ({ guarded: page, hub }) => {
  const project = uniqueId('pin-secret');
  await createWorkflow(hub.url, project, 'http://127.0.0.1:9/none');
  await api(hub.url, 'PUT', `/api/v1/projects/${project}/secrets/API_TOKEN`, { value: 'sk-live-0123456789' });
  await openStudio(page, project, 'w');
  await node(page, 'fetch').click();
  await page.getByRole('button', { name: 'Pin data…' }).click();
  await page.getByLabel('Pinned output JSON').fill('{ "body": { "token": "sk-live-0123456789" } }');
  await page.getByRole('button', { name: 'Pin', exact: true }).click();
  await page.getByTestId('save').click();
  await expect(page.getByTestId('studio-message')).toContainText('secret "API_TOKEN"');
  await expect(node(page, 'fetch')).toHaveAttribute('data-invalid', 'true');
  await expect(page.getByTestId('version')).toContainText('unsaved');
});

test('sticky notes: add, write (text stays text), move, resize, undo, saved with the workflow', async ({ guarded: page, hub }) => {
  const project = uniqueId('notes');
  await createWorkflow(hub.url, project, 'http://127.0.0.1:9/none');
  await openStudio(page, project, 'w');
  await page.getByTestId('add-note').click();
  const note = page.getByTestId('sticky-note');
  await expect(note).toBeVisible();
  await note.dblclick();
  await page.getByLabel('Note text').fill('Why: <img src=x onerror="window.__xss=1"> <script>alert(1)</script>');
  await page.getByTestId('workflow-title').click();
  await expect(note.getByTestId('sticky-text')).toHaveText('Why: <img src=x onerror="window.__xss=1"> <script>alert(1)</script>');
  expect(await page.locator('img[src="x"]').count()).toBe(0);

  const before = (await editorJson(page)) as { stickyNotes: { position: { x: number; y: number }; width: number; height: number }[] };
  const start = before.stickyNotes[0]!;
  // Move it by dragging its body.
  const box = (await note.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + 50, { steps: 6 });
  await page.mouse.move(box.x + 100, box.y + 80, { steps: 6 });
  await page.mouse.up();
  const moved = (await editorJson(page)) as typeof before;
  expect(moved.stickyNotes[0]!.position.x).toBeGreaterThan(start.position.x + 20);
  // Resize it from its bottom-right corner (the note is selected after the drag).
  const corner = page.locator('.react-flow__resize-control.handle.bottom.right');
  const c = (await corner.boundingBox())!;
  await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
  await page.mouse.down();
  await page.mouse.move(c.x + 60, c.y + 40, { steps: 6 });
  await page.mouse.move(c.x + 120, c.y + 80, { steps: 6 });
  await page.mouse.up();
  const resized = (await editorJson(page)) as typeof before;
  expect(resized.stickyNotes[0]!.width).toBeGreaterThan(start.width + 40);

  // Undo the resize and the move: back where it was, same size.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('button', { name: 'Undo' }).click();
  const undone = (await editorJson(page)) as typeof before;
  expect(undone.stickyNotes[0]).toMatchObject({ position: start.position, width: start.width, height: start.height });

  await page.getByTestId('save').click();
  await expect(page.getByTestId('version')).toHaveText('v2');
  await page.reload();
  await expect(page.getByTestId('sticky-note').getByTestId('sticky-text')).toContainText('<script>alert(1)</script>');
  const stored = await api(hub.url, 'GET', `/api/v1/projects/${project}/workflows/w`);
  expect(stored.body.workflow.stickyNotes).toHaveLength(1);
});
