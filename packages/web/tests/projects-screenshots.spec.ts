import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures';
import { api } from './support/studio';

/** docs/screenshots/projects.png, workflow-metrics.png, templates.png — `npm run screenshots -w @runtime-hub/web`. */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

async function seed(base: string) {
  const projects = [
    { id: 'storefront', name: 'Storefront', description: 'Public order API and its internal lookups' },
    { id: 'growth', name: 'Growth', description: 'Lead sequences and form submissions' },
    { id: 'ops', name: 'Operations', description: 'Health checks, disk usage and reports' },
  ];
  for (const p of projects) await api(base, 'POST', '/api/v1/projects', p);
  await api(base, 'POST', '/api/v1/projects/storefront/templates/public-calls-internal', {});
  await api(base, 'POST', '/api/v1/projects/storefront/templates/validated-webhook', {});
  await api(base, 'POST', '/api/v1/projects/ops/templates/fan-out-merge', {});
  await api(base, 'POST', '/api/v1/projects/ops/templates/scheduled-report', {});
  await api(base, 'POST', '/api/v1/projects/growth/templates/github-event-router', {});
  for (let i = 0; i < 24; i++) {
    await fetch(`${base}/w/storefront/orders/${i}`);
    await fetch(`${base}/w/storefront/contact`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(i % 5 === 0 ? {} : { name: 'Ada', email: 'ada@example.org' }) });
    if (i % 3 === 0) await api(base, 'POST', '/api/v1/projects/ops/workflows/fan-out/runs?wait=true', {});
    if (i % 4 === 0) await fetch(`${base}/w/growth/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, body: JSON.stringify({ ref: 'refs/heads/main', commits: [] }) });
  }
  // A failing workflow for the error distribution.
  await api(base, 'POST', '/api/v1/projects/ops/workflows', { id: 'flaky', name: 'Flaky import', nodes: [{ id: 'start', type: 'trigger' }, { id: 'parse', type: 'transform', config: { value: '{{ trigger.body.rows | upper }}' } }], edges: [{ source: 'start', target: 'parse' }] });
  for (let i = 0; i < 4; i++) await api(base, 'POST', '/api/v1/projects/ops/workflows/flaky/runs?wait=true', { rows: [1] });
}

test('screenshots of projects, run metrics and templates', async ({ page, hub }) => {
  await seed(hub.url);
  await page.goto('/projects');
  await expect(page.getByTestId('project-card')).toHaveCount(3);
  await page.screenshot({ path: `${OUT}projects.png` });
  await page.goto('/workflow-metrics?range=1h');
  await expect(page.getByTestId('trend-chart').locator('canvas')).toBeVisible();
  await page.screenshot({ path: `${OUT}workflow-metrics.png`, fullPage: false });
  await page.goto('/templates?project=growth');
  await page.getByLabel('Search templates').fill('follow up a lead by email');
  await expect(page.getByTestId('suggestion').first()).toBeVisible();
  await page.screenshot({ path: `${OUT}templates.png` });
});
