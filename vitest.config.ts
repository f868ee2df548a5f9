import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files start real containers; two cores are shared between them.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
