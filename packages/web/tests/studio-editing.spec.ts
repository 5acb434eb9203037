import { expect, test } from './support/fixtures';
import { api, editorJson, node, openStudio, uniqueId } from './support/studio';

const base = (id: string) => ({
  id,
  name: 'Editing',
  nodes: [
    { id: 'start', type: 'trigger', name: 'Start', position: { x: 0, y: 0 } },
    { id: 'first', type: 'set', name: 'First', config: { fields: { a: '1' } }, position: { x: 260, y: 0 } },
  ],
  edges: [{ source: 'start', target: 'first' }],
});

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('twenty edits undone and redone give the same JSON', async ({ guarded: page, hub }) => {
  const project = uniqueId('undo');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, base('w'));
  await openStudio(page, project, 'w');
  const original = await editorJson(page);

  // 14 nodes added after the selected one by clicking the palette, 1 auto layout, 5 deletions.
  await node(page, 'first').click();
  for (let i = 0; i < 14; i++) await page.getByTestId(i % 2 ? 'palette-transform' : 'palette-set').click();
  // Nodes off screen are not rendered (onlyRenderVisibleElements): count them in the definition.
  await expect.poll(async () => ((await editorJson(page)) as { nodes: unknown[] }).nodes.length).toBe(16);
  await page.getByRole('button', { name: 'Auto layout' }).click();
  await page.getByRole('button', { name: 'Fit View' }).click();
  await expect(node(page, 'set_7')).toBeVisible();
  for (const id of ['set_7', 'transform_6', 'set_6', 'transform_5', 'set_5']) {
    await node(page, id).click();
    await page.keyboard.press('Delete');
    await expect(node(page, id)).toHaveCount(0);
  }
  const edited = await editorJson(page);
  expect(edited).not.toEqual(original);

  const canvas = page.getByTestId('canvas');
  await canvas.click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 20; i++) await page.keyboard.press('Control+z');
  expect(await editorJson(page)).toEqual(original);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  for (let i = 0; i < 20; i++) await page.keyboard.press('Control+Shift+z');
  expect(await editorJson(page)).toEqual(edited);
  await expect(page.getByRole('button', { name: 'Redo' })).toBeDisabled();
});

test('a pasted workflow JSON without positions appears laid out, connected, below the existing nodes', async ({ guarded: page, hub }) => {
  const project = uniqueId('paste');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, base('w'));
  await openStudio(page, project, 'w');
  const pasted = {
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'check', type: 'condition', config: { condition: '{{ input.ok }}' } },
      { id: 'yes', type: 'set', config: { fields: { ok: 'yes' } } },
      { id: 'no', type: 'set', config: { fields: { ok: 'no' } } },
      { id: 'first', type: 'set', config: { fields: { clash: 'renamed' } } },
    ],
    edges: [
      { source: 'start', target: 'check' },
      { source: 'check', sourceOutput: 'true', target: 'yes' },
      { source: 'check', sourceOutput: 'false', target: 'no' },
      { source: 'no', target: 'first' },
    ],
  };
  await page.getByRole('button', { name: 'Paste JSON…' }).click();
  await page.getByLabel('Workflow JSON', { exact: true }).fill(JSON.stringify(pasted));
  await page.getByRole('button', { name: 'Add to canvas' }).click();
  await page.getByRole('button', { name: 'Fit View' }).click();
  // The second trigger is left out; "first" clashes and is renamed.
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  const json = (await editorJson(page)) as { nodes: { id: string; position: { x: number; y: number } }[]; edges: unknown[] };
  expect(json.nodes.map((n) => n.id)).toEqual(['start', 'first', 'check', 'yes', 'no', 'first_2']);
  expect(json.edges).toContainEqual({ source: 'no', target: 'first_2' });
  const at = Object.fromEntries(json.nodes.map((n) => [n.id, n.position]));
  // Left to right along the edges, below what was there, no two nodes on one spot.
  expect(at.check!.x).toBeLessThan(at.yes!.x);
  expect(at.no!.x).toBeLessThan(at.first_2!.x);
  expect(at.check!.y).toBeGreaterThan(at.first!.y + 60);
  const boxes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      expect(overlap, `nodes ${i} and ${j} overlap`).toBe(false);
    }
});

test('a save that conflicts with a save from a second tab is detected, shown and resolved', async ({ guarded: page, hub, context }) => {
  const project = uniqueId('conflict');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, base('w'));
  await openStudio(page, project, 'w');
  const other = await context.newPage();
  await openStudio(other, project, 'w');

  // Tab 2 renames a node and saves first.
  await node(other, 'first').click();
  await other.getByLabel('Node name').fill('Renamed in tab 2');
  await other.getByTestId('save').click();
  await expect(other.getByTestId('studio-message')).toHaveText('Saved version 2');

  // Tab 1, still on version 1, changes the workflow name and saves: 409, with what differs.
  await page.getByLabel('Workflow name').fill('Edited in tab 1');
  await page.getByTestId('save').click();
  const banner = page.getByTestId('conflict');
  await expect(banner).toContainText('version 2');
  await expect(page.getByTestId('conflict-diff')).toContainText('node first: name');
  await expect(page.getByTestId('conflict-diff')).toContainText('workflow name');

  // Overwrite keeps tab 1's definition as version 3.
  await banner.getByRole('button', { name: 'Overwrite with mine' }).click();
  await expect(page.getByTestId('studio-message')).toHaveText('Saved version 3');
  const saved = await api(hub.url, 'GET', `/api/v1/projects/${project}/workflows/w`);
  expect(saved.body.workflow).toMatchObject({ version: 3, name: 'Edited in tab 1' });

  // Tab 2 is now behind; it reloads theirs and sees tab 1's name.
  await other.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
  await other.getByLabel('Workflow name').fill('Tab 2 again');
  await other.getByTestId('save').click();
  await other.getByTestId('conflict').getByRole('button', { name: /Reload theirs/ }).click();
  await expect(other.getByTestId('workflow-title')).toHaveText('Edited in tab 1');
  await expect(other.getByTestId('conflict')).toHaveCount(0);
});

test('versions: every save listed, a diff per node and field, restore saves the old one as newest', async ({ guarded: page, hub }) => {
  const project = uniqueId('versions');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, base('w'));
  await openStudio(page, project, 'w');
  await node(page, 'first').click();
  await page.getByLabel('Node name').fill('First, renamed');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('studio-message')).toHaveText('Saved version 2');

  await page.getByRole('link', { name: 'Versions', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Versions' }).locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('versions-diff')).toHaveText('~ node first: name');
  await page.getByRole('table', { name: 'Versions' }).locator('tbody tr').nth(1).getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByTestId('studio')).toBeVisible();
  await expect(page.getByTestId('version')).toHaveText(/v3/);
  await expect(node(page, 'first').getByTestId('node-name')).toHaveText('First');
});

test('issues from the hub validator appear on the node and field while editing, and clear when fixed', async ({ guarded: page, hub }) => {
  const project = uniqueId('issues');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, base('w'));
  await openStudio(page, project, 'w');
  await node(page, 'first').click();
  await page.getByTestId('palette-http').click();
  await expect(node(page, 'http')).toHaveAttribute('data-invalid', 'true');
  const panel = page.getByTestId('node-panel');
  await expect(panel.getByRole('alert')).toContainText(/URL/);
  await panel.getByLabel('URL', { exact: true }).click();
  await page.keyboard.type('http://127.0.0.1:9/{{ input.a }}');
  await expect(node(page, 'http')).not.toHaveAttribute('data-invalid', 'true');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  // Nothing was saved by checking.
  expect((await api(hub.url, 'GET', `/api/v1/projects/${project}/workflows/w`)).body.workflow.version).toBe(1);
});

test('a project\'s workflows: rename, duplicate (starts internal) and delete from the list', async ({ page, hub }) => {
  const project = uniqueId('list');
  await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: project });
  await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, { ...base('w'), visibility: 'public', endpoint: { method: 'POST', path: '/w' }, trigger: { type: 'webhook' } });
  await page.goto(`/workflows/${project}`);
  const table = page.getByRole('table', { name: 'Workflows' });
  const row = (name: RegExp) => table.locator('tbody tr').filter({ hasText: name });

  page.once('dialog', (d) => void d.accept('Renamed'));
  await row(/Editing/).getByRole('button', { name: 'Rename' }).click();
  await expect(row(/Renamed/)).toHaveCount(1);

  await row(/Renamed/).getByRole('button', { name: 'Duplicate' }).click();
  await expect(row(/Renamed \(copy\)/)).toContainText('internal');
  const copy = await api(hub.url, 'GET', `/api/v1/projects/${project}/workflows/w-copy`);
  expect(copy.body.workflow).toMatchObject({ name: 'Renamed (copy)', visibility: 'internal', trigger: { type: 'manual' } });
  expect(copy.body.workflow.nodes).toHaveLength(2);

  page.once('dialog', (d) => void d.accept());
  await row(/Renamed \(copy\)/).getByRole('button', { name: 'Delete' }).click();
  await expect(row(/copy/)).toHaveCount(0);
  expect((await api(hub.url, 'GET', `/api/v1/projects/${project}/workflows/w-copy`)).status).toBe(404);
});
