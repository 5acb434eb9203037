import { expect, test } from './support/fixtures';

/**
 * The deployments view with an app this hub runs (a local TypeScript target: compiled with the
 * hub's own tsc, no download): which hub runs it, Stop, then Start — carried out by the hub that
 * owns the deployment (docs/export.md, Deployments across hubs).
 */
async function api(base: string, method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return response.status;
}

test('a deployed app: which hub runs it, stopped and started again from the view', async ({ guarded: page, hub }) => {
  test.setTimeout(240_000);
  const project = `app${Date.now().toString(36)}`;
  expect(await api(hub.url, 'POST', '/api/v1/projects', { id: project, name: 'App' })).toBe(201);
  const workflow = {
    id: 'greet', name: 'Greet', visibility: 'public', endpoint: { method: 'POST', path: '/greet' }, trigger: { type: 'webhook' },
    nodes: [{ id: 'start', type: 'trigger' }, { id: 'hello', type: 'set', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } } }],
    edges: [{ source: 'start', target: 'hello' }],
  };
  expect(await api(hub.url, 'POST', `/api/v1/projects/${project}/workflows`, workflow)).toBe(201);
  expect(await api(hub.url, 'PUT', `/api/v1/projects/${project}/deployments/targets/web`, { platform: 'local', language: 'typescript', healthIntervalMs: 1000 })).toBe(200);

  await page.goto(`/deploy/${project}`);
  const target = page.locator('[data-target="web"]');
  await target.getByRole('button', { name: 'Deploy current version' }).click();
  await expect(target.getByRole('cell').getByText('running')).toBeVisible({ timeout: 180_000 });
  await expect(target.getByTestId('deployment-owner')).toHaveText('runs on this hub');
  // The view shows health as of its last load: the owner's checks run every second.
  await expect(async () => {
    await page.reload();
    await expect(target.getByText('healthy')).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 60_000 });

  await target.getByRole('button', { name: 'Stop' }).click();
  await expect(target.getByRole('cell').getByText('stopped')).toBeVisible({ timeout: 30_000 });
  await target.getByRole('button', { name: 'Start' }).click();
  await expect(target.getByRole('cell').getByText('running')).toBeVisible({ timeout: 60_000 });
  await expect(target.getByRole('button', { name: 'Restart' })).toBeVisible();
  await expect(target.getByRole('alert')).toHaveCount(0);
});
