import { startLlmTestServer, type LlmTestServer } from '@runtime-hub/engine/testing';
import { expect, test } from './support/fixtures';
import { api, uniqueId } from './support/studio';

/**
 * The projects dashboard, run metrics, schedules, templates and AI assist against a real hub.
 * Hostile names and values must stay inert text (the `guarded` page fails on any dialog).
 */
const HOSTILE = '<img src=x onerror=alert(1)>"\'&';
const SECRET = 'sk-never-shown-4242-value';

/** Calls a public endpoint; its answer may be any text. */
async function call(base: string, path: string): Promise<number> {
  return (await fetch(`${base}${path}`)).status;
}

async function seedProject(base: string) {
  const id = uniqueId('shop');
  await api(base, 'POST', '/api/v1/projects', { id, name: `Shop ${HOSTILE}`, description: `Sells things ${HOSTILE}` });
  await api(base, 'POST', `/api/v1/projects/${id}/workflows`, {
    id: 'lookup', name: `Lookup ${HOSTILE}`, nodes: [{ id: 'start', type: 'trigger' }, { id: 'x', type: 'set', config: { fields: { ok: true } } }], edges: [{ source: 'start', target: 'x' }],
  });
  await api(base, 'POST', `/api/v1/projects/${id}/workflows`, {
    id: 'orders', name: 'Orders API', visibility: 'public', endpoint: { method: 'GET', path: '/orders/:id' }, trigger: { type: 'webhook' },
    nodes: [{ id: 'start', type: 'trigger' }, { id: 'call', type: 'workflow', config: { mode: 'local', workflow: 'lookup' } }, { id: 'bad', type: 'transform', config: { value: '{{ trigger.query.n | upper }}' } }],
    edges: [{ source: 'start', target: 'call' }, { source: 'call', target: 'bad' }],
  });
  await call(base, `/w/${id}/orders/1?n=a`);
  await call(base, `/w/${id}/orders/2?n=b`);
  await call(base, `/w/${id}/orders/3?n=c&n=d`); // a list: upper fails → EXPRESSION_ERROR
  return id;
}

test('projects dashboard: cards, search, create; detail with endpoints, call graph, secrets, env, settings, runs', async ({ guarded: page, hub }) => {
  const id = await seedProject(hub.url);
  await page.goto('/');
  await page.getByRole('link', { name: 'Projects' }).click();
  const card = page.getByTestId('project-card').filter({ hasText: id });
  await expect(card).toContainText(`Shop ${HOSTILE}`);
  await expect(card).toContainText('Workflows2');
  await expect(card).toContainText('Last change just now');
  // Each call of orders runs lookup too (a child run): 6 runs, 1 failed.
  await expect(card).toContainText(/Runs today\s*6/);
  await expect(card).toContainText(/Success\s*83.3 %/);
  // Deployment health joins the card once the deploy feature has a target for the project.
  await expect(card.getByTestId('deployments')).toHaveCount(0);
  await api(hub.url, 'PUT', `/api/v1/projects/${id}/deployments/targets/docker`, { platform: 'docker' });
  await page.reload();
  await expect(card.getByTestId('deployments')).toHaveText('Deployments: docker unknown');
  await page.getByLabel('Search projects').fill('no-such-project');
  await expect(page.getByTestId('project-card')).toHaveCount(0);
  await page.getByLabel('Search projects').fill(id);
  await expect(page.getByTestId('project-card')).toHaveCount(1);

  await page.getByLabel('Project name').fill('Fresh one');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(/\/projects\/fresh-one$/);

  await page.goto(`/projects/${id}`);
  await expect(page.getByTestId('endpoint-url')).toHaveText(`${hub.url}/w/${id}/orders/:id`);
  await expect(page.getByRole('region', { name: 'Internal workflows' }).or(page.getByLabel('Internal workflows'))).toContainText(`Lookup ${HOSTILE}`);
  await expect(page.getByTestId('call-node')).toHaveCount(2);
  await expect(page.getByTestId('call-graph')).toContainText('Orders API');

  await page.getByLabel('Secret name').fill('API_TOKEN');
  await page.getByLabel('Secret value').fill(SECRET);
  await page.getByRole('button', { name: 'Set secret' }).click();
  await expect(page.getByLabel('Secrets', { exact: true })).toContainText('API_TOKEN');
  await expect(page.getByLabel('Secret value')).toHaveValue('');
  expect(await page.content()).not.toContain(SECRET);
  await page.getByRole('button', { name: 'Delete API_TOKEN' }).click();
  await expect(page.getByLabel('Secrets', { exact: true })).not.toContainText('API_TOKEN');

  await page.getByLabel('Env var name').fill('REGION');
  await page.getByLabel('Env var value').fill(HOSTILE);
  await page.getByRole('button', { name: 'Set env var' }).click();
  await expect(page.getByLabel('Environment variables', { exact: true })).toContainText(`REGION= ${HOSTILE}`);

  await expect(page.getByText(/Shell nodes run \/bin\/sh commands/)).toBeVisible();
  // Saved on the hub first, then shown: the box is checked once the project is back.
  await page.getByLabel('Allow shell nodes').click();
  await expect(page.getByLabel('Allow shell nodes')).toBeChecked();
  await expect.poll(async () => (await api(hub.url, 'GET', `/api/v1/projects/${id}`)).body.project.settings.allowShell).toBe(true);
  await expect(page.getByRole('region', { name: 'Recent runs' })).toContainText('EXPRESSION_ERROR');
});

test('run metrics: totals, trend chart, errors by code and node type, slowest nodes, filters', async ({ guarded: page, hub }) => {
  const id = await seedProject(hub.url);
  await page.goto(`/workflow-metrics?project=${id}&range=1h`);
  // 3 calls of orders, each with its lookup child run; one failed.
  await expect(page.getByTestId('stat-executions')).toHaveText('6');
  await expect(page.getByTestId('stat-success-rate')).toHaveText('83.3 %');
  await expect(page.getByTestId('trend-chart').locator('canvas')).toBeVisible();
  await expect(page.getByLabel('Failures by error code')).toContainText('EXPRESSION_ERROR');
  await expect(page.getByLabel('Failures by node type')).toContainText('transform');
  await expect(page.getByLabel('Slowest nodes')).toContainText('call');
  // Live: a new run shows without reloading.
  await call(hub.url, `/w/${id}/orders/4?n=e`);
  await expect(page.getByTestId('stat-executions')).toHaveText('8', { timeout: 15_000 });
  await page.getByLabel('Workflow', { exact: true }).selectOption('lookup');
  await expect(page).toHaveURL(/workflow=lookup/);
  await expect(page.getByTestId('stat-success-rate')).toHaveText('100 %');
});

test('schedules: editor with presets, zone, words, next runs, pause; the list', async ({ guarded: page, hub }) => {
  const id = uniqueId('ops');
  await api(hub.url, 'POST', '/api/v1/projects', { id, name: 'Ops' });
  await api(hub.url, 'POST', `/api/v1/projects/${id}/workflows`, { id: 'report', name: `Report ${HOSTILE}`, nodes: [{ id: 'start', type: 'trigger' }], edges: [] });
  await page.goto(`/schedules/${id}/report`);
  await page.getByRole('button', { name: 'Every day at 09:00' }).click();
  await page.getByLabel('Time zone').fill('Europe/Zurich');
  await expect(page.getByTestId('cron-words')).toHaveText('At 09:00, Europe/Zurich');
  await expect(page.getByTestId('next-runs').locator('li')).toHaveCount(5);
  await expect(page.getByTestId('next-runs')).toContainText('09:00');
  await page.getByLabel('Missed runs').selectOption('run-once');
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByRole('status')).toHaveText('Schedule saved as a new version.');
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('paused')).toBeVisible();
  await page.getByLabel('Cron expression').fill('61 * * * *');
  await expect(page.getByTestId('cron-words')).toHaveText('This expression cannot be read.');

  await page.getByRole('link', { name: '← Schedules' }).click();
  const row = page.getByTestId('schedule-row').filter({ hasText: `${id}/report` });
  await expect(row).toContainText(`Report ${HOSTILE}`);
  await expect(row).toContainText('paused');
  await row.getByRole('button', { name: /Resume/ }).click();
  await expect(row).toContainText(/GMT\+[12]/);
});

test('templates: search, categories, suggestions with reasons, use a template into a project', async ({ guarded: page, hub }) => {
  const id = uniqueId('tpl');
  await api(hub.url, 'POST', '/api/v1/projects', { id, name: 'Templates here' });
  await page.goto(`/templates?project=${id}`);
  await expect(page.getByTestId('template-card')).toHaveCount(17);
  await page.getByRole('button', { name: 'sales' }).click();
  await expect(page.getByTestId('template-card')).toHaveCount(1);
  await page.getByRole('button', { name: 'all', exact: true }).click();
  await page.getByLabel('Search templates').fill('follow up a lead by email');
  await expect(page.getByTestId('suggestion').first()).toContainText('Lead follow-up sequence');
  await expect(page.getByTestId('suggestion').first()).toContainText('matches “email” (tag)');
  await page.getByLabel('Search templates').fill('webhook json');
  const card = page.getByTestId('template-card').filter({ hasText: 'Validated webhook answering JSON' });
  await expect(card.getByTestId('graph-preview')).toBeVisible();
  await card.getByRole('button', { name: 'Use template' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Create workflow' }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}/contact$`));
  const answer = await api(hub.url, 'POST', `/w/${id}/contact`, { name: 'Ada', email: 'ada@example.org' });
  expect(answer.body).toMatchObject({ received: true, name: 'Ada' });
});

test.describe('AI assist', () => {
  let llm: LlmTestServer;
  test.beforeAll(async () => {
    llm = await startLlmTestServer();
  });
  test.afterAll(async () => llm.close());

  test('says how to set a provider, then drafts with a repair round and explains', async ({ guarded: page, hub }) => {
    const id = uniqueId('ai');
    await api(hub.url, 'POST', '/api/v1/projects', { id, name: 'AI' });
    await page.goto(`/projects/${id}`);
    await expect(page.getByTestId('assist-setup')).toContainText(/no LLM provider is set up/i);
    await page.getByLabel('Assist model').fill('test-model');
    await page.getByLabel('Assist base URL').fill(llm.openaiBaseUrl);
    await page.getByRole('button', { name: 'Save provider' }).click();
    const draft = { id: 'hello', name: `Hello ${HOSTILE}`, trigger: { type: 'manual' }, nodes: [{ id: 'start', type: 'trigger' }, { id: 'say', type: 'set', name: 'Say', config: { fields: { hi: 'there' } } }], edges: [{ source: 'start', target: 'say' }] };
    llm.answerNext(JSON.stringify({ ...draft, nodes: [draft.nodes[0], { id: 'say', type: 'nope' }] }), JSON.stringify(draft));
    await page.getByLabel('Describe a workflow').fill('say hello');
    await page.getByRole('button', { name: 'Draft' }).click();
    await expect(page.getByTestId('assist-draft')).toContainText(`Valid draft after 2 rounds: Hello ${HOSTILE}`);
    await page.getByRole('button', { name: 'Save as new workflow' }).click();
    await expect.poll(async () => (await api(hub.url, 'GET', `/api/v1/projects/${id}`)).body.workflows.length).toBe(1);
    llm.answerNext(`It says hello. ${HOSTILE}`);
    await page.getByLabel('Workflow to complete or explain').selectOption('hello');
    await page.getByRole('button', { name: 'Explain it' }).click();
    await expect(page.getByTestId('assist-explanation')).toHaveText(`It says hello. ${HOSTILE}`);
  });
});
