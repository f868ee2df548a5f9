// The published package as a consumer gets it: `npm pack`, installed into an empty project, and that
// project's strict `tsc` (skipLibCheck off) over a file importing startCluster and the object types. The
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

describe('the packed package in a consumer project', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-consumer-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('type-checks a consumer importing startCluster and the object types, with skipLibCheck off', async () => {
    // The tarball is packed from dist/ as built by `npm run setup` (prepare), as every CLI test runs it.
    expect(fs.existsSync(path.join(ROOT, 'dist/src/lib/index.d.ts')), 'dist/ is built (npm run build)').toBe(true);
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const tarball = path.join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);

    const project = path.join(dir, 'consumer');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    fs.writeFileSync(path.join(project, 'index.ts'), CONSUMER);
    // The package's own dependencies come from the registry (or npm's cache), exactly as a consumer's do.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, '@types/node@20'], { cwd: project });
    expect(fs.existsSync(path.join(project, 'node_modules/kubernetes-types/package.json')), 'kubernetes-types installed with mini-kube').toBe(true);

    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch((err: { stdout: string }) => err);
    expect(result.stdout).toBe('');
  }, 90_000);
});
