#!/usr/bin/env node
// Entry point of the `mini-kube` command; the code is compiled to dist/ by `npm install` (prepare).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('mini-kube: not built yet. Run `npm install` (or `npm run build`) in the mini-kube checkout first.');
  process.exit(1);
}
// Node 22.1+ keeps the compiled code of the modules a command loads between runs (a faster second `get`);
// Node 20 has no such cache, and loading only what a command needs (src/cli/main.ts) is what helps there.
module.enableCompileCache?.();
await import(main.href);
