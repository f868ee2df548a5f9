// `npm install`'s prepare step: compiles src/ to dist/ only when dist/ is missing or older than a source
// (and bundles the CLI from dist/ when its bundle is missing or older),
// so a project that installs this checkout (`npm install /path/to/mini-kube`, which runs prepare in the
// checkout itself) or packs it does not rebuild it behind the developer's back. `npm run build` always builds.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist/src/cli/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const run = (args) => {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const sourcesAt = Math.max(newestSource(path.join(root, 'src')), mtime(path.join(root, 'tsconfig.json')));
if (mtime(built) >= sourcesAt) {
  console.log('mini-kube: dist/ is up to date with src/ (npm run build rebuilds it anyway)');
} else {
  run([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')]);
}
// The CLI's bundle, made from dist/ (bin/mini-kube.js uses it only when it is not older than dist/):
// also before `npm pack` (which runs prepare), so the tarball carries it.
if (mtime(path.join(root, 'dist/src/cli-bundle/main.cjs')) < mtime(built)) run([path.join(root, 'scripts/bundle-cli.mjs')]);
