// The browser modules the dashboard serves from node_modules (preact, its hooks, htm), found through each
// package's exported entry, never by a file path inside the package: preact 11 drops dist/preact.module.js,
// and a path into a package is not part of its contract while its `exports` map is.
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

const resolveHere: Resolve = (specifier) => fileURLToPath(import.meta.resolve(specifier));

export function vendorModules(resolve: Resolve = resolveHere): VendorModule[] {
  return [
    { url: '/vendor/preact.mjs', path: resolve('preact') },
    { url: '/vendor/preact-hooks.mjs', path: resolve('preact/hooks'), rewrite: ['from"preact"', 'from"/vendor/preact.mjs"'] },
    { url: '/vendor/htm.mjs', path: resolve('htm') },
  ];
}
