import { test as base, expect, type Page } from '@playwright/test';
import { startHub, type RunningHub } from './hub';
import { Sender } from './spans';

interface TestFixtures {
  sender: Sender;
  /** Fails the test if the page opens a dialog (alert) or logs an uncaught error. */
  guarded: Page;
}

/**
 * Each worker runs its own hub; tests use unique service names, so they do not see each other's
 * spans. `guarded` is the page with tripwires for script injection.
 */
export const test = base.extend<TestFixtures, { hub: RunningHub }>({
  hub: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const hub = await startHub();
      await use(hub);
      await hub.stop();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ hub }, use) => use(hub.url),
  sender: async ({ hub }, use) => use(new Sender(hub.url)),
  guarded: async ({ page }, use) => {
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => errors.push(error.message));
    // The Content-Security-Policy must never block the dashboard's own code or styles.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
    });
    await use(page);
    expect(dialogs, 'no payload may open a dialog').toEqual([]);
    expect(errors, 'no uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** A service name no other test uses. */
export function uniqueService(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}
