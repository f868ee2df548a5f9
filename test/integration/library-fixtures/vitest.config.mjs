// Runs only the deliberately failing vitest file (library-cleanup.test.ts starts it in its own process).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: join(tmpdir(), 'mini-kube-failing-vitest-cache'), // no node_modules/.vite in the fixtures
  test: { include: ['failing.vitest.ts'], testTimeout: 60_000, reporters: ['default'] },
});
