import { expect, test, uniqueService } from './support/fixtures';
import { call, PYTHON_FRAMES, traceId } from './support/spans';

test('failures are grouped with the right count; a group opens its occurrences', async ({ guarded: page, sender }) => {
  const service = uniqueService('errors');
  const message = `card declined ${service}`;
  const now = Date.now();
  const failure = (i: number) =>
    call({ traceId: traceId(), service, name: 'payments.charge_card', status: 'error', error: { type: 'PaymentError', message, frames: PYTHON_FRAMES } }, now + i, 20);
  const other = call({ traceId: traceId(), service, name: 'mail.send', status: 'error', error: { type: 'TimeoutError', message: 'smtp timed out' } }, now + 10, 5000);
  await sender.send([failure(0), failure(1), failure(2), other]);

  await page.goto(`/errors?service=${service}`);
  const groups = page.getByTestId('error-group');
  await expect(groups).toHaveCount(2);
  const payment = groups.filter({ hasText: 'PaymentError' });
  await expect(payment.getByTestId('group-count')).toHaveText('3');
  await expect(payment).toContainText(message);
  await expect(payment).toContainText('price_cart (/app/shop/pricing.py:17)');
  await expect(groups.filter({ hasText: 'TimeoutError' }).getByTestId('group-count')).toHaveText('1');

  // New occurrences are counted without a reload.
  await sender.send([failure(3), failure(4)]);
  await expect(payment.getByTestId('group-count')).toHaveText('5');

  await payment.click();
  await expect(page.getByTestId('occurrence')).toHaveCount(5);
  await page.getByTestId('occurrence').first().click();
  await expect(page.getByTestId('span-detail').getByTestId('error-type')).toHaveText('PaymentError');
  await expect(page).toHaveURL(/group=[0-9a-f]{16}/);
});
