// The dashboard's browser modules are found through each package's exports, so a package that moves its
// files (preact 11 drops dist/preact.module.js) still serves: checked against a preact-11-shaped package
// resolved by Node itself, and against the installed packages.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveExport, vendorModules } from '../../../src/dashboard/vendor.js';

/** A node_modules with preact and htm laid out as preact 11 lays itself out: ESM builds only as .mjs. */
function preact11Layout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-vendor-'));
  const pkg = (name: string, exports: Record<string, unknown>, files: string[]) => {
    const root = path.join(dir, 'node_modules', name);
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), `export const file = ${JSON.stringify(f)};\n`);
    }
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name, type: 'module', exports }));
  };
  pkg('preact', {
    '.': { types: './src/index.d.ts', import: './dist/preact.mjs', require: './dist/preact.js' },
    './hooks': { import: './hooks/dist/hooks.mjs', require: './hooks/dist/hooks.js' },
  }, ['dist/preact.mjs', 'dist/preact.js', 'hooks/dist/hooks.mjs', 'hooks/dist/hooks.js']);
  pkg('htm', { '.': { import: './dist/htm.mjs', require: './dist/htm.js' } }, ['dist/htm.mjs', 'dist/htm.js']);
  return dir;
}

/** Node's own ESM resolution from inside `dir` (a child process: the test runner resolves differently). */
function nodeResolveFrom(dir: string) {
  return (specifier: string) => fileURLToPath(execFileSync(process.execPath, [
    '--input-type=module', '-e', `process.stdout.write(import.meta.resolve(${JSON.stringify(specifier)}))`,
  ], { cwd: dir, encoding: 'utf8' }));
}

describe('dashboard vendor modules', () => {
  const dir = preact11Layout();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are the packages\' exported ESM entries, which exist in a preact 11 layout', () => {
    const modules = vendorModules(nodeResolveFrom(dir));
    const real = (p: string) => fs.realpathSync(path.join(dir, 'node_modules', p));
    expect(modules.map((m) => [m.url, fs.realpathSync(m.path)])).toEqual([
      ['/vendor/preact.mjs', real('preact/dist/preact.mjs')],
      ['/vendor/preact-hooks.mjs', real('preact/hooks/dist/hooks.mjs')],
      ['/vendor/htm.mjs', real('htm/dist/htm.mjs')],
    ]);
  });

  it('are found without import.meta.resolve (the CommonJS bundle has none) exactly where Node\'s ESM resolution finds them', () => {
    const node = nodeResolveFrom(dir);
    for (const specifier of ['preact', 'preact/hooks', 'htm']) {
      expect(fs.realpathSync(resolveExport(specifier, dir)), specifier).toBe(fs.realpathSync(node(specifier)));
    }
    const installed = nodeResolveFrom(path.dirname(fileURLToPath(import.meta.url)));
    for (const specifier of ['preact', 'preact/hooks', 'htm', 'yaml']) {
      expect(fs.realpathSync(resolveExport(specifier, path.dirname(fileURLToPath(import.meta.url)))), specifier).toBe(fs.realpathSync(installed(specifier)));
    }
  });

  it('resolve to existing files for the installed packages, hooks importing "preact" as the rewrite expects', () => {
    const modules = vendorModules();
    for (const m of modules) expect(fs.existsSync(m.path), m.path).toBe(true);
    const hooks = modules.find((m) => m.url === '/vendor/preact-hooks.mjs')!;
    expect(fs.readFileSync(hooks.path, 'utf8')).toContain(hooks.rewrite![0]);
  });
});
