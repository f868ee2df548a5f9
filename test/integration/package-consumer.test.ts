// The published package as a consumer gets it: `npm pack`, installed into an empty project (offline: the
// dependencies linked from this checkout), that project's strict `tsc` (skipLibCheck off) over a file
// importing startCluster and the object types, and an import at run time. The
// .d.ts files import kubernetes-types, so it must be a dependency: as a devDependency the consumer gets
// TS2307, or with skipLibCheck every Pod and Deployment silently becomes `any`.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

const run = promisify(execFile);

const CONSUMER = `import { startCluster, type Cluster, type Deployment, type Pod, type Stored } from 'mini-kube';

const cluster: Cluster = await startCluster();
const pods: Stored<Pod>[] = await cluster.pods('app=web');
const replicas: number | undefined = (await cluster.get<Deployment>('Deployment', 'web')).spec?.replicas;
// @ts-expect-error a Pod's spec has no replicas: the types are kubernetes-types', not any
const wrong: number = pods[0]!.spec!.replicas;
console.log(pods.length, replicas, wrong);
await cluster.stop();
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
    skipLibCheck: false, noEmit: true, types: ['node'],
  },
  files: ['index.ts'],
};

/** An installed package's dependencies, without a registry: each linked to the checkout's own copy (the same versions npm installed there). */
function linkDependencies(project: string, names: string[]): void {
  for (const name of names) {
    const target = path.join(ROOT, 'node_modules', name);
    if (!fs.existsSync(target)) throw new Error(`${name} is not installed in ${ROOT}/node_modules (npm install)`);
    const link = path.join(project, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link, 'dir');
  }
}

describe('the packed package in a consumer project', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-consumer-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('packs with every source map\'s sources, installs offline, type-checks with skipLibCheck off and imports', async () => {
    // The tarball is packed from dist/ as built by `npm run setup` (prepare), as every CLI test runs it.
    expect(fs.existsSync(path.join(ROOT, 'dist/src/lib/index.d.ts')), 'dist/ is built (npm run build)').toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'dist/src/cli-bundle/main.cjs')), 'the CLI is bundled (npm run build)').toBe(true);
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const info = (JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[])[0]!;
    const tarball = path.join(dir, info.filename);

    // No source map in the tarball names a file the tarball lacks (dist/**/*.js.map -> src/**/*.ts).
    const shipped = new Set(info.files.map((f) => f.path));
    const maps = [...shipped].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing = maps.flatMap((m) => {
      const map = JSON.parse(fs.readFileSync(path.join(ROOT, m), 'utf8')) as { sources: string[] };
      return map.sources.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(m), s))).filter((s) => !shipped.has(s));
    });
    expect(missing).toEqual([]);

    // Installed as npm installs a tarball (unpacked into node_modules/mini-kube, no script run), with its
    // dependencies linked from this checkout: no registry needed.
    const project = path.join(dir, 'consumer');
    fs.mkdirSync(path.join(project, 'node_modules/mini-kube'), { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', path.join(project, 'node_modules/mini-kube'), '--strip-components=1']);
    const pkg = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/mini-kube/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    linkDependencies(project, [...Object.keys(pkg.dependencies), '@types/node']);
    expect(fs.existsSync(path.join(project, 'node_modules/kubernetes-types/package.json')), 'kubernetes-types installed with mini-kube').toBe(true);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { 'mini-kube': `file:${tarball}` } }));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    fs.writeFileSync(path.join(project, 'index.ts'), CONSUMER);

    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch((err: { stdout: string }) => err);
    expect(result.stdout).toBe('');

    // It runs from there: the library's exports, and the CLI (without a spare control plane: nothing starts)
    const env = { ...process.env, MINI_KUBE_PREFORK: '0' };
    const imported = await run(process.execPath, ['--input-type=module', '-e',
      "const m = await import('mini-kube'); console.log(typeof m.startCluster, typeof m.StatusError, typeof m.WaitTimeoutError)"], { cwd: project, env });
    expect(imported.stdout.trim()).toBe('function function function');
    const version = await run(process.execPath, [path.join(project, 'node_modules/mini-kube/bin/mini-kube.js'), '--version'], { cwd: project, env });
    expect(version.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    // ... from the CLI's CommonJS bundle, which the tarball carries (npm pack runs prepare, which makes it)
    expect(shipped.has('dist/src/cli-bundle/main.cjs') && shipped.has('bin/package.json'), 'the bundle and bin/package.json are packed').toBe(true);
    const traced = await run(process.execPath, [path.join(project, 'node_modules/mini-kube/bin/mini-kube.js'), '--version'], { cwd: project, env: { ...env, NODE_DEBUG: 'module' } });
    expect(traced.stderr).toContain('cli-bundle/main.cjs');
    expect(traced.stderr).not.toContain('dist/src/cli/main.js');
  }, 90_000);
});
