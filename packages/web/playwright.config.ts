import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the dashboard: a real hub process (packages/hub/dist) serving the built
 * dashboard (packages/web/dist), driven in Debian's Chromium. No browser download: set
 * CHROMIUM_PATH to use another Chromium or Chrome.
 */
export default defineConfig({
  testDir: 'tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two cores: one worker per core, each with its own hub.
  workers: process.env.CI ? 2 : 2,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'e2e', testIgnore: /screenshots\.spec\.ts/ },
    { name: 'screenshots', testMatch: /screenshots\.spec\.ts/, use: { colorScheme: 'light' } },
  ],
});
