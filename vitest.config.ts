import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // examples/vitest: the README's library example runs as written (it imports the built package, dist/)
    include: ['test/**/*.test.ts', 'examples/vitest/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration files start real containers; two cores are shared between them.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
