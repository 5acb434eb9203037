import { expect, type Locator, type Page } from '@playwright/test';

/** Helpers for the workflow studio specs: the hub's API and the canvas's handles. */
// Tests read arbitrary JSON from the API.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

export function node(page: Page, id: string): Locator {
  return page.getByTestId(`node-${id}`);
}

/** Drags from a node's output handle to another node's input handle, as a user connects them. */
export async function connect(page: Page, from: string, to: string, output = 'main'): Promise<void> {
  const source = node(page, from).locator(`.react-flow__handle.source[data-handleid="${output}"]`);
  const target = node(page, to).locator('.react-flow__handle.target');
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** The definition the editor holds, via its own "Copy JSON" button and the clipboard. */
export async function editorJson(page: Page): Promise<unknown> {
  await page.getByRole('button', { name: 'Copy JSON' }).click();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  return JSON.parse(text);
}

export async function openStudio(page: Page, project: string, workflow: string): Promise<void> {
  await page.goto(`/workflows/${project}/${workflow}`);
  await expect(page.getByTestId('studio')).toBeVisible();
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}
