import { expect, test, uniqueService } from './support/fixtures';
import { feedRow, openMonitor } from './support/pages';
import { call, traceId } from './support/spans';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(2)>';
const PROBE = '<img src=x onerror="window.__xss=1">';

/** Payloads are untrusted: wherever they are shown they must stay text. */
test('HTML and script in payloads render as inert text everywhere', async ({ guarded: page, sender }) => {
  const service = uniqueService('hostile');
  const t = traceId();
  const now = Date.now();
  const root = call({ traceId: t, service, name: IMG, input: { comment: SCRIPT, [IMG]: PROBE }, output: `${SCRIPT}${IMG}`, attributes: { note: IMG, 'x<b>': SCRIPT } }, now, 40);
  const child = call(
    {
      traceId: t,
      service,
      parentSpanId: root.spanId,
      name: SCRIPT,
      status: 'error',
      input: [PROBE],
      error: { type: '<b>Bold</b>Error', message: `${SCRIPT} ${IMG}`, stack: `Traceback (most recent call last):\n  File "<img src=x onerror=alert(3)>.py", line 1, in ${SCRIPT}\nError: ${IMG}` },
      events: [{ name: IMG, time: now + 2, attributes: { html: SCRIPT } }],
    },
    now + 2,
    10,
  );
  await sender.send([root, child]);

  const assertInert = async () => {
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('b').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  };

  await openMonitor(page, `?service=${service}`);
  await expect(feedRow(page, root.spanId)).toContainText(IMG);
  await expect(feedRow(page, child.spanId)).toContainText(SCRIPT);
  await assertInert();

  await feedRow(page, root.spanId).click();
  const detail = page.getByTestId('span-detail');
  await expect(detail.getByTestId('detail-name')).toHaveText(IMG);
  await expect(detail.getByTestId('detail-input')).toContainText(SCRIPT);
  await expect(detail.getByTestId('detail-output')).toContainText(`${SCRIPT}${IMG}`);
  await expect(detail.getByTestId('attributes')).toContainText(IMG);
  await assertInert();

  await feedRow(page, child.spanId).click();
  await expect(detail.getByTestId('error-type')).toHaveText('<b>Bold</b>Error');
  await expect(detail.getByTestId('error-message')).toHaveText(`${SCRIPT} ${IMG}`);
  await detail.getByText('Raw stack').click();
  await expect(detail.getByTestId('raw-stack')).toContainText('onerror=alert(3)');
  await assertInert();

  await page.goto(`/traces/${t}`);
  await expect(page.getByTestId('waterfall-row')).toHaveCount(2);
  await expect(page.getByTestId('trace-name')).toHaveText(IMG);
  await assertInert();
  await page.goto(`/traces/${t}?view=graph`);
  await expect(page.getByTestId('flow-node')).toHaveCount(2);
  await assertInert();
  await page.goto(`/errors?service=${service}`);
  await expect(page.getByTestId('group-type')).toHaveText('<b>Bold</b>Error');
  await assertInert();
  await page.goto(`/traces?service=${service}`);
  await expect(page.getByTestId('trace-row')).toContainText(IMG);
  await assertInert();
  // Give any deferred handler (an image error event) a moment to fire.
  await page.waitForTimeout(300);
  await assertInert();
});
