// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports) into CommonJS files under
// dist/src/cli-bundle/, which bin/mini-kube.js loads when they are at least as new as dist/ (decision 240).
// Node 20 spends ~0.5-1 ms in its ES module loader per module (resolve, load, translate); a `get` imported
// ~50 of them. CommonJS is loaded with no ES module loader at all, and a command requires only the
// chunks its code reaches: main.cjs (the program, commander) and the chunk of the command typed, with
// what that shares. The control plane, dockerode and the manifest pipeline stay in chunks of their own.
//
// The files sit at the same depth as dist/src/cli/ so that every path a module finds from its own
// location (package.json, bin/, src/network-agent, sample-app, src/dashboard/public, the vendored protos)
// resolves the same from a chunk.
//
//   node scripts/bundle-cli.mjs          (`npm run build` and prepare run it after tsc)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/src/cli/main.js');
const outDir = path.join(root, 'dist/src/cli-bundle');

let rolldown;
try {
  rolldown = await import('rolldown');
} catch {
  // bin/mini-kube.js runs dist/ as it is when there is no bundle: slower, the same behaviour
  console.warn('mini-kube: rolldown is not installed; the CLI runs unbundled from dist/ (a slower start)');
  process.exit(0);
}

// Not bundled: dockerode and its transport (optional native parts, loaded where the engine is used);
// typescript, which only a run from the sources imports (the network agent transpiles src/dns then).
const EXTERNAL = ['dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'typescript'];

fs.rmSync(outDir, { recursive: true, force: true });
const result = await rolldown.build({
  input: { main: entry },
  platform: 'node',
  external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
  logLevel: 'warn',
  onLog(level, log, handler) {
    // import.meta.url becomes the chunk's own file URL in CommonJS (what every module here uses it for);
    // any other import.meta use would silently turn into {}: fail the build instead.
    if (log.code === 'EMPTY_IMPORT_META') throw new Error(`bundle-cli: ${log.message}`);
    handler(level, log);
  },
  output: {
    dir: outDir,
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
    sourcemap: false,
    // What `get`, `describe`, `logs` and `exec` run, with everything it imports, in one chunk (plus the
    // entry and ws for exec): each file a command requires costs a lookup, a read and a compile of its own.
    codeSplitting: {
      groups: [{ name: 'api-commands', test: /dist\/src\/cli\/commands\/(get|inspect)\.js$/, includeDependenciesRecursively: true }],
    },
  },
  write: true,
});
const bytes = result.output.reduce((n, o) => n + (o.code?.length ?? 0), 0);
console.log(`mini-kube: bundled the CLI into ${path.relative(root, outDir)}/ (${result.output.length} files, ${(bytes / 1024).toFixed(0)} KiB)`);
