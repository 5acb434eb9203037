import { expect, type Page } from '@playwright/test';

/** Opens the monitor (with optional query string) and waits until the live feed has its history. */
export async function openMonitor(page: Page, search = ''): Promise<void> {
  await page.goto(`/${search}`);
  await expect(page.getByTestId('live-feed')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
}

/** Marks the window, so a later check can prove the page was never reloaded. */
export async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __noReload: number }).__noReload = 1));
}

export async function expectNotReloaded(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(1);
}

export function feedRow(page: Page, spanId: string) {
  return page.locator(`[data-testid="feed-row"][data-span-id="${spanId}"]`);
}
