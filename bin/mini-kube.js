#!/usr/bin/env node
// Entry point of the `mini-kube` command. CommonJS (bin/package.json): with the CLI's CommonJS bundle
// (dist/src/cli-bundle, made by `npm run build`, scripts/bundle-cli.mjs) a command runs without Node's
// ES module loader at all, which is most of what a `get` used to spend (decision 240). Without a bundle,
// or with one older than dist/ (a plain `tsc` since), it runs the compiled modules of dist/ as they are.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const dist = path.join(__dirname, '../dist/src/cli/main.js');
const bundleDir = path.join(__dirname, '../dist/src/cli-bundle');
const built = fs.statSync(dist, { throwIfNoEntry: false });
if (!built) {
  console.error('mini-kube: not built yet. Run `npm install` (or `npm run build`) in the mini-kube checkout first.');
  process.exit(1);
}
// `up` runs the control plane, a process that lives for hours and loads parts of itself on first use (the
// OpenAPI documents, dockerode): from dist/, whose files a rebuild rewrites in place, not from the bundle,
// whose chunks a rebuild renames. Every other command is over in moments.
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
const bundle = command === 'up' ? undefined : fs.statSync(path.join(bundleDir, 'main.cjs'), { throwIfNoEntry: false });
const { enableCompileCache } = require('node:module');
if (bundle && bundle.mtimeMs >= built.mtimeMs) {
  // Node 22.1+ keeps the compiled code of what a command loads between runs; on Node 20, our own cache
  if (enableCompileCache) enableCompileCache();
  else require('./compile-cache.js').useCompileCache(bundleDir, bundle);
  require(path.join(bundleDir, 'main.cjs'));
} else {
  enableCompileCache?.();
  import(pathToFileURL(dist).href);
}
