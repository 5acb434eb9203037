import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures';

/**
 * Export and deploy in the dashboard, against a real hub: the file tree of the generated app with
 * highlighted code in both languages, the zip download, a refusal naming the node, and the
 * deployments view (a target that cannot be reached gets its files, the project's versions diff).
 */
const SECRET = 'sk-test-0123456789abcdef';
/** docs/screenshots/export.png and deploy.png: taken with UPDATE_SCREENSHOTS=1. */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

async function api(base: string, method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return response.status;
}

const greet = (message: string) => ({
  id: 'greet',
  name: 'Greet',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/greet' },
  trigger: { type: 'webhook' },
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'hello', type: 'set', config: { fields: { message: `${message}, {{ trigger.body.name }}!`, key: '{{ secrets.API_KEY | length }}' } } },
  ],
  edges: [{ source: 'start', target: 'hello' }],
});

test('a project exports as a Python or TypeScript app: file tree, highlighted code, zip, refusals', async ({ guarded: page, hub }) => {
  const project = `shop${Date.now().toString(36)}`;
  expect(await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: 'Shop <b>bold</b>' })).toBe(201);
  expect(await api(hub.url, 'PUT', `/api/v1/projects/${project}/secrets/API_KEY`, { value: SECRET })).toBeLessThan(300);
  expect(await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, greet('Hello'))).toBe(201);

  await page.goto(`/export/${project}`);
  const files = page.getByRole('navigation', { name: 'Files' });
  await expect(files.locator('[data-file="main.py"]')).toBeVisible();
  await expect(page.getByTestId('file-path')).toContainText('main.py');
  const viewer = page.locator('[data-export-file="main.py"]');
  await expect(viewer).toContainText('@app.api_route("/greet", methods=["POST"])');
  // Highlighted: CodeMirror wraps keywords in styled spans.
  await expect(viewer.locator('span').first()).toBeVisible();

  await files.locator('[data-file="workflows/greet.py"]').click();
  await expect(page.locator('[data-export-file="workflows/greet.py"]')).toContainText('"message": "Hello, {{ trigger.body.name }}!"');
  if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${OUT}export.png` });
  await files.locator('[data-file=".env.example"]').click();
  await expect(page.locator('[data-export-file=".env.example"]')).toContainText('API_KEY=');
  await expect(page.locator('body')).not.toContainText(SECRET);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download .zip' }).click();
  const zip = readFileSync((await (await download).path()) as string);
  expect(zip.subarray(0, 2).toString()).toBe('PK');
  expect(zip.includes(Buffer.from(`${project}-python/main.py`))).toBe(true);

  await page.getByRole('tab', { name: 'TypeScript (Fastify)' }).click();
  await expect(page.getByTestId('file-path')).toContainText('src/server.ts');
  await expect(page.locator('[data-export-file="src/server.ts"]')).toContainText('server.route({ method: "POST", url: "/greet"');
  await expect(files.locator('[data-file="package.json"]')).toBeVisible();

  const code = { id: 'calc', name: 'Calc', nodes: [{ id: 'start', type: 'trigger' }, { id: 'js', type: 'code', name: 'Compute', config: { code: 'return 1' } }], edges: [{ source: 'start', target: 'js' }] };
  expect(await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, code)).toBe(201);
  await page.reload();
  await page.getByRole('tab', { name: 'Python (FastAPI)' }).click();
  await expect(page.getByTestId('export-problems')).toContainText('workflow "calc", node "js" (Compute): a JavaScript code node cannot run in a Python export');
});

test('the deployments view deploys to a target, shows its history and diffs two versions', async ({ guarded: page, hub }) => {
  const project = `ship${Date.now().toString(36)}`;
  expect(await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: 'Ship' })).toBe(201);
  expect(await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, greet('Hello'))).toBe(201);
  expect(await api(hub.url, 'PUT', `/api/v1/projects/${project}/workflows/greet`, greet('Howdy'))).toBe(200);

  await page.goto(`/export/${project}`);
  await page.getByRole('link', { name: 'Deployments →' }).click();
  await expect(page).toHaveURL(new RegExp(`/deploy/${project}$`));
  await page.getByLabel('Target').fill('edge');
  await page.getByLabel('Platform').selectOption('fly');
  await page.getByRole('button', { name: 'Add or update target' }).click();
  const target = page.locator('[data-target="edge"]');
  await expect(target).toContainText('not reachable from this hub');
  await target.getByRole('button', { name: 'Deploy current version' }).click();
  await expect(target.getByText('generated')).toBeVisible({ timeout: 30_000 });
  await target.getByRole('button', { name: 'Logs' }).first().click();
  await expect(target).toContainText('fly is not reachable from this hub: nothing was built or uploaded');

  const boxes = page.getByRole('checkbox');
  await expect(boxes).toHaveCount(2, { timeout: 10_000 });
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const diff = page.getByTestId('version-diff');
  await expect(diff).toContainText('Howdy, {{ trigger.body.name }}!');
  await expect(diff).toContainText('Hello, {{ trigger.body.name }}!');
  if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${OUT}deploy.png`, fullPage: true });
});
