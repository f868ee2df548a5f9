#!/usr/bin/env node
// Entry point of the `mini-kube` command; the code is compiled to dist/ by `npm install` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('mini-kube: not built yet. Run `npm install` (or `npm run build`) in the mini-kube checkout first.');
  process.exit(1);
}
await import(main.href);
