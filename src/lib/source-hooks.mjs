// Module hooks for a library cluster's control-plane process when the library itself runs from the
// TypeScript sources (this repository's tests, under vitest): Node 20 cannot load .ts files, so the child
// gets them transpiled here (type-only imports vanish, as `tsc` does), an import of `./x.js` finding
// `./x.ts`. Transpiled files are cached on disk by content hash, so only the first start after an edit
// pays for TypeScript. From dist/ (an installed package) none of this is used: dist is plain JS.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const TRANSPILE_KEY = 'esnext-es2022-interop-1';
let cacheDir;
let ts;

export async function initialize(data) {
  cacheDir = data?.cacheDir;
  if (cacheDir) mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
}

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && parent.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const asTs = new URL(specifier.slice(0, -3) + '.ts', parent);
    if (existsSync(fileURLToPath(asTs))) return { url: asTs.href, shortCircuit: true, format: 'module' };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  // the key names this transpiler's settings (TRANSPILE_KEY) too: a change to them must not reuse old output
  const key = createHash('sha1').update(TRANSPILE_KEY).update(file).update('\0').update(source).digest('hex');
  const cached = cacheDir && path.join(cacheDir, `${key}.js`);
  if (cached && existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= createRequire(import.meta.url)('typescript');
  const out = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true, verbatimModuleSyntax: false },
  }).outputText;
  if (cached) {
    // written aside, then renamed: two children transpiling the same file never see half of it
    const tmp = `${cached}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, out, { mode: 0o600 });
      renameSync(tmp, cached);
    } catch { /* the cache is an optimisation only */ }
  }
  return { format: 'module', source: out, shortCircuit: true };
}
