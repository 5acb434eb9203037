import { defineConfig } from 'vitest/config';

/** Unit tests of the dashboard's pure logic (feed model, trace tree, flow graph, filters, parsing). */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
