// Runs only the deliberately failing vitest file (library-cleanup.test.ts starts it in its own process).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['failing.vitest.ts'], testTimeout: 60_000, reporters: ['default'] },
});
