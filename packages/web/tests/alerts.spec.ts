import { expect, test, uniqueService } from './support/fixtures';
import { call, traceId } from './support/spans';

/** A run's span as the workflow engine writes it (packages/engine/src/run/spans.ts, runSpan). */
function run(project: string, status: 'ok' | 'error', runId: string) {
  return call(
    {
      traceId: traceId(),
      service: project,
      name: 'nightly-import',
      kind: 'workflow',
      status,
      sessionId: runId,
      attributes: { 'workflow.project': project, 'workflow.id': 'nightly-import', 'workflow.version': 1, 'workflow.run.id': runId, 'workflow.run.status': status === 'ok' ? 'succeeded' : 'failed', 'workflow.trigger': 'cron' },
      ...(status === 'error' ? { error: { type: 'HTTP_STATUS', message: '<img src=x onerror=alert(1)> answered 503' } } : {}),
    },
    Date.now(),
    20,
  );
}

test('alerts: a rule made in the UI fires and resolves once, in the list, the history and as browser notifications', async ({ guarded: page, sender, context }) => {
  const project = uniqueService('etl');
  await context.grantPermissions(['notifications']);
  // Records the notifications the page shows (the real constructor still runs).
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { shown: typeof shown }).shown = shown;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '' });
      }
    } as typeof Notification;
  });
  await page.goto('/alerts');
  await expect(page.getByText('browser notifications: granted')).toBeVisible();

  // A clear message for a bad rule.
  const form = page.getByTestId('rule-form');
  await form.getByLabel('Threshold %').fill('150');
  await form.getByRole('button', { name: 'Create rule' }).click();
  await expect(form.getByRole('alert')).toContainText('thresholdPct');

  await form.getByLabel('Rule type').selectOption('workflow_failed');
  await form.getByLabel('Name').fill(`${project} nightly`);
  await form.getByLabel('Project').fill(project);
  await form.getByRole('button', { name: 'Create rule' }).click();
  await expect(page.getByTestId('rule-row').filter({ hasText: `${project} nightly` })).toContainText(`a run of ${project} failing`);

  await sender.send([run(project, 'error', 'run_1')]);
  const firing = page.getByTestId('firing-alert').filter({ hasText: `${project} nightly` });
  await expect(firing).toContainText('<img src=x onerror=alert(1)> answered 503', { timeout: 20_000 });
  const shown = () => page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown.filter((n) => n.body.includes('nightly-import')));
  await expect.poll(shown, { timeout: 20_000 }).toEqual([{ title: 'runtime-hub: FIRING', body: expect.stringContaining('failed') as unknown as string }]);

  await firing.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(firing).toContainText('acknowledged');

  await sender.send([run(project, 'error', 'run_2'), run(project, 'ok', 'run_3')]);
  await expect(firing).toHaveCount(0, { timeout: 20_000 });
  const history = page.getByTestId('history-event').filter({ hasText: `${project} nightly` });
  await expect(history.filter({ hasText: 'resolved' })).toHaveCount(1);
  await expect(history.filter({ hasText: 'fired' })).toHaveCount(1);
  await expect(history.filter({ hasText: 'acknowledged' })).toHaveCount(1);
  await expect.poll(async () => (await shown()).map((n) => n.title), { timeout: 20_000 }).toEqual(['runtime-hub: FIRING', 'runtime-hub: RESOLVED']);

  // A disabled rule stays quiet; its webhook and addresses are kept.
  const row = page.getByTestId('rule-row').filter({ hasText: `${project} nightly` });
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row.getByRole('button', { name: 'Enable' })).toBeVisible();
  await sender.send([run(project, 'error', 'run_4')]);
  await page.waitForTimeout(6000); // more than one poll of the page and of the notifier
  await expect(page.getByTestId('firing-alert').filter({ hasText: `${project} nightly` })).toHaveCount(0);
  expect((await shown()).map((n) => n.title)).toEqual(['runtime-hub: FIRING', 'runtime-hub: RESOLVED']);
});
