import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { fixtureHooks, hostileSession, SESSIONS, transcriptsDir } from './agents-data';
import { startHub } from './support/hub';

/** docs/screenshots/agents-*.png from the Claude Code fixtures: `npm run screenshots -w @runtime-hub/web`. */
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

test('screenshots of the Agents view', async ({ page }) => {
  test.setTimeout(120_000);
  const hub = await startHub({ args: ['--watch', transcriptsDir()] });
  try {
    const post = (events: unknown[]) => fetch(`${hub.url}/api/v1/hooks/claude`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    await post(fixtureHooks('v2.1.72-parallel-tasks').map(({ at, event }) => ({ receivedAt: Date.parse(at), event })));
    await post(hostileSession(Date.now() - 60_000));
    const runs = async () => ((await (await fetch(`${hub.url}/api/v1/agents`)).json()) as { runs: { traceId: string; sessionId: string }[] }).runs;
    await expect.poll(async () => (await runs()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    const trace = (await runs()).find((r) => r.sessionId === SESSIONS.parallel)!.traceId;
    const shot = async (name: string) => {
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}${name}.png` });
    };
    await page.goto(`${hub.url}/agents`);
    await expect(page.getByTestId('agent-row')).toHaveCount(4);
    await shot('agents-list');
    await page.goto(`${hub.url}/agents/${trace}`);
    const tool = page.locator('[data-testid="graph-node"][data-type="tool"]').last();
    await tool.click();
    await expect(page.getByTestId('span-detail')).toBeVisible();
    await page.locator('[data-testid="graph-node"][data-type="tool"]').nth(1).hover({ timeout: 5000 }).catch(() => undefined);
    await shot('agents-graph');
    await page.goto(`${hub.url}/agents/${trace}/conversation`);
    await expect(page.getByTestId('llm-call').first()).toBeVisible();
    await shot('agents-conversation');
  } finally {
    await hub.stop();
  }
});
