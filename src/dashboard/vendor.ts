// The browser modules the dashboard serves from node_modules (preact, its hooks, htm), found through each
// package's exported entry, never by a file path inside the package: preact 11 drops dist/preact.module.js,
// and a path into a package is not part of its contract while its `exports` map is.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface VendorModule {
  /** where the page imports it (public/app.js) */
  url: string;
  /** the file on disk */
  path: string;
  /** preact/hooks imports the bare name "preact"; an import map would need an inline script (CSP) */
  rewrite?: [string, string];
}

/** Resolves a bare specifier as Node's ESM loader does (the package's "import" export) to a file path. */
export type Resolve = (specifier: string) => string;

// Not import.meta.resolve: the CLI runs as a CommonJS bundle (scripts/bundle-cli.mjs), which has none.
const resolveHere: Resolve = (specifier) => resolveExport(specifier, path.dirname(fileURLToPath(import.meta.url)));

/**
 * Node's ESM resolution of a bare specifier, for packages with an `exports` map: the package is found in
 * the nearest node_modules above `from`, and the subpath's target is the first of its conditions that ESM
 * matches (node, import, default, in the map's own order), nested condition objects and arrays included.
 */
export function resolveExport(specifier: string, from: string): string {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const subpath = '.' + specifier.slice(name.length);
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(pkgDir, 'package.json'))) {
      const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
      if (pkg.exports === undefined) return path.join(pkgDir, subpath === '.' ? pkg.main ?? 'index.js' : subpath);
      const exportsMap = typeof pkg.exports === 'string' || Array.isArray(pkg.exports) ? { '.': pkg.exports } : pkg.exports as Record<string, unknown> | undefined;
      const isSubpathMap = exportsMap && Object.keys(exportsMap).every((k) => k.startsWith('.'));
      const target = conditionTarget(isSubpathMap ? exportsMap[subpath] : subpath === '.' ? exportsMap : undefined);
      if (!target) throw new Error(`${specifier}: the package ${name} (${pkgDir}) exports no ESM entry for ${subpath}`);
      return path.join(pkgDir, target);
    }
    if (path.dirname(dir) === dir) throw new Error(`${specifier}: the package ${name} is not installed above ${from}`);
  }
}

const ESM_CONDITIONS = new Set(['node', 'import', 'default']);

function conditionTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry.map(conditionTarget).find((t) => t !== undefined);
  if (entry && typeof entry === 'object') {
    for (const [condition, value] of Object.entries(entry)) {
      if (!ESM_CONDITIONS.has(condition)) continue;
      const target = conditionTarget(value);
      if (target !== undefined) return target;
    }
  }
  return undefined;
}

export function vendorModules(resolve: Resolve = resolveHere): VendorModule[] {
  return [
    { url: '/vendor/preact.mjs', path: resolve('preact') },
    { url: '/vendor/preact-hooks.mjs', path: resolve('preact/hooks'), rewrite: ['from"preact"', 'from"/vendor/preact.mjs"'] },
    { url: '/vendor/htm.mjs', path: resolve('htm') },
  ];
}
