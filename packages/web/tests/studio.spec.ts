import { expect, test } from './support/fixtures';
import { api, connect, node } from './support/studio';

/**
 * The greet workflow of docs/workflows.md, built from an empty project the way a user does:
 * drag and drop, the property panel with expression completion, save, run, watch it live.
 */
test('builds, saves and runs the greet workflow from an empty project', async ({ guarded: page, hub }) => {
  // Live proof: node statuses must arrive as span batches on the live socket.
  const liveFrames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => {
    if (typeof frame.payload === 'string' && frame.payload.includes('workflow.step.status')) liveFrames.push(frame.payload);
  }));

  await page.goto('/');
  await page.getByRole('link', { name: /Workflows/ }).click();
  await page.getByLabel('New project').fill('demo');
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page).toHaveURL(/\/workflows\/demo$/);
  await page.getByLabel('New workflow').fill('greet');
  await page.getByRole('button', { name: 'New workflow' }).click();
  await expect(page).toHaveURL(/\/workflows\/demo\/greet$/);
  await expect(node(page, 'start')).toBeVisible();

  // The workflow: name, webhook trigger (public, POST /greet).
  await page.getByLabel('Workflow name').fill('Greet');
  await page.getByLabel('Trigger', { exact: true }).selectOption('webhook');
  await expect(page.getByLabel('Endpoint path')).toHaveValue('/greet');

  // A Set node dragged from the palette onto the canvas, then connected from the trigger.
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  await page.getByTestId('palette-set').dragTo(canvas, { targetPosition: { x: box.width / 2 + 300, y: box.height / 2 } });
  await expect(node(page, 'set')).toBeVisible();
  await connect(page, 'start', 'set');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  // Its fields through the panel, with completion of {{ trigger }}.
  await node(page, 'set').click();
  const panel = page.getByTestId('node-panel');
  await panel.getByLabel('Node name').fill('Say hello');
  await panel.getByRole('button', { name: /Add fields entry/ }).click();
  await panel.getByLabel('Fields name 1').fill('message');
  const value = panel.getByLabel('Fields value 1');
  await value.click();
  await page.keyboard.type('Hello, {{ trig');
  // Exactly the one option that matches what was typed (so the list is the current one).
  await expect(page.locator('.cm-tooltip-autocomplete li')).toHaveText([/^trigger/]);
  await page.keyboard.press('Enter');
  await page.keyboard.type('.bo');
  await expect(page.locator('.cm-tooltip-autocomplete li')).toHaveText([/^body/]);
  await page.keyboard.press('Enter');
  await page.keyboard.type('.name }}!');
  await expect(value).toHaveText('Hello, {{ trigger.body.name }}!');
  await expect(node(page, 'set').getByTestId('node-name')).toHaveText('Say hello');

  await page.getByTestId('save').click();
  await expect(page.getByTestId('studio-message')).toHaveText(/Saved version 2/);

  // Run from the editor with trigger data; both nodes turn green from live spans.
  await page.getByLabel('Trigger data').fill('{"name":"Ada"}');
  await page.getByTestId('run-button').click();
  await expect(node(page, 'start')).toHaveAttribute('data-status', 'succeeded');
  await expect(node(page, 'set')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  expect(liveFrames.some((f) => f.includes('"workflow.node.id":"set"'))).toBe(true);
  await expect(page.getByTestId('run-output')).toContainText('Hello, Ada!');
  await node(page, 'set').click();
  await expect(page.getByTestId('node-output')).toContainText('Hello, Ada!');
  await expect(page.getByTestId('node-input')).toContainText('Ada');
  // The field's live preview against this run: typing changes it.
  await expect(panel.getByTestId('preview')).toHaveText('= Hello, Ada!');
  await value.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' {{ trigger.body.name | upper }}');
  await expect(panel.getByTestId('preview')).toHaveText('= Hello, Ada! ADA');
  await page.keyboard.press('Control+z');

  // The saved workflow answers at its public endpoint.
  const answer = await api(hub.url, 'POST', '/w/demo/greet', { name: 'Ada' });
  expect(answer).toEqual({ status: 200, body: { message: 'Hello, Ada!' } });
});
