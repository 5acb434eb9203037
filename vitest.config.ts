import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'packages/web/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real hubs and processes; two workers suit a 2-core machine.
    maxWorkers: 2,
  },
});
