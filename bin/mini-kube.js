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
const bundle = path.join(__dirname, '../dist/src/cli-bundle/main.cjs');
const mtime = (file) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
const builtAt = mtime(dist);
if (builtAt === undefined) {
  console.error('mini-kube: not built yet. Run `npm install` (or `npm run build`) in the mini-kube checkout first.');
  process.exit(1);
}
// Node 22.1+ keeps the compiled code of the modules a command loads between runs (a faster second `get`);
// Node 20 has no such cache.
require('node:module').enableCompileCache?.();
if ((mtime(bundle) ?? 0) >= builtAt) require(bundle);
else import(pathToFileURL(dist).href);
