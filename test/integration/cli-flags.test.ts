// Every flag the CLI accepts does something: `get --no-headers` drops the header line as kubectl does,
// and a flag a command does not implement is refused (one line, exit 1) before anything runs.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import { CLI, cli, cliIn, testCluster, until } from './harness.js';

describe('unknown flags are refused, as kubectl refuses them', () => {
  // A home with no control plane: a refused flag must not start one.
  const home = path.join(os.tmpdir(), `mk-flags-${process.pid}`);
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it.each([
    ['get', 'pods', '--bogus'],
    ['apply', '-f', 'x.yaml', '--bogus'],
    ['delete', 'pod', 'x', '--bogus'],
    ['describe', 'pod', '--bogus'],
    ['logs', 'x', '--bogus'],
    ['scale', 'deploy', 'x', '--replicas', '1', '--bogus'],
    ['exec', 'x', '--bogus', '--', 'ls'],
    ['port-forward', 'pod/x', '8080:80', '--bogus'],
    ['status', '--bogus'],
    ['up', '--bogus'],
    ['down', '--bogus'],
    ['kubeconfig', '--bogus'],
    ['demo', '--bogus'],
    ['dashboard', '--bogus'],
    ['build-sample-image', '--bogus'],
    ['--bogus'],
  ])('mini-kube %s ...: error: unknown flag, exit 1', async (...args) => {
    const r = await cliIn(home, args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: unknown flag: --bogus\n');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(home)).toBe(false);
  });

  it('a shorthand flag it does not know is named by its letter', async () => {
    const r = await cliIn(home, ['get', 'pods', '-z']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unknown shorthand flag: 'z' in -z\n");
  });

  it('exec parses its flags up to `--`: -n after the pod is the namespace, not the command', async () => {
    // No command after the flags: refused by exec itself, which proves -n x was not taken as the command.
    const r = await cliIn(home, ['exec', 'x', '-n', 'other']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: you must specify at least one command for the container\n');
  });
});

describe('get --no-headers', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
    await cluster.apply({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('prints the rows without the header line, in plain and wide output', async () => {
    const plain = await cli(cluster, ['get', 'svc', 'web']);
    expect(plain.code).toBe(0);
    expect(plain.stdout.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP/);

    for (const extra of [[], ['-o', 'wide'], ['--show-labels']]) {
      const r = await cli(cluster, ['get', 'svc', 'web', '--no-headers', ...extra]);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^web\s+ClusterIP\s/);
    }
  });

  it('drops every kind\'s header when several kinds are listed', async () => {
    const r = await cli(cluster, ['get', 'svc,ep', '--no-headers']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^NAME/m);
    expect(r.stdout).toMatch(/^service\/web\s/m);
    expect(r.stdout).toMatch(/^endpoints\/web\s/m);
  });

  it('get -w --no-headers lists and watches without the header line', async () => {
    const child = spawn(process.execPath, [CLI, 'get', 'svc', '-w', '--no-headers'], { env: { ...process.env, MINI_KUBE_HOME: cluster.home, LANG: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until('the watched row', async () => /^web\s/m.test(out), 30_000);
    } finally {
      child.kill('SIGINT');
    }
    expect(out).not.toMatch(/^NAME/m);
  });
});
