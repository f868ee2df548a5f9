// Checking manifests before moving to a real cluster: `mini-kube apply --strict` refuses what a current
// cluster refuses (legacy apiVersions, unknown fields) with the message kubectl would print there, and
// applies nothing from a file with an error; a portable manifest applies as usual.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import { cli, ROOT, testCluster } from './harness.js';

const LIVENESS = path.join(ROOT, 'test/fixtures/tutorial/liveness.yaml');
let cluster: Cluster;
let dir: string;

const manifest = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
${spec}  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ondalk8s/healthcheck:v1
`;

beforeAll(async () => {
  cluster = await testCluster();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-strict-'));
});
afterAll(async () => {
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('mini-kube apply --strict', () => {
  it('refuses the tutorial\'s extensions/v1beta1 the way a cluster since 1.16 does, with the fix', async () => {
    const r = await cli(cluster, ['apply', '--strict', '-f', LIVENESS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${LIVENESS}:1:1: no matches for kind "Deployment" in version "extensions/v1beta1"`);
    expect(r.stderr).toContain('write "apiVersion: apps/v1"');
    expect(r.stdout).toBe('');
    expect(await cluster.list('Deployment')).toEqual([]);
    // without --strict mini-kube still takes it (converted, with a warning)
    const lenient = await cli(cluster, ['apply', '-f', LIVENESS]);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toMatch(/extensions\/v1beta1/);
    expect((await cli(cluster, ['delete', '-f', LIVENESS])).code).toBe(0);
  });

  it('refuses unknown fields with their line, a suggestion, and applies nothing from the file', async () => {
    const file = path.join(dir, 'typo.yaml');
    fs.writeFileSync(file, manifest('  replica: 2\n'));
    const r = await cli(cluster, ['apply', '--strict', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:5:3: unknown field "spec.replica"`);
    expect(r.stderr).toContain('did you mean "replicas"?');
    expect(await cluster.list('Deployment')).toEqual([]);
  });

  it('applies a portable manifest', async () => {
    const file = path.join(dir, 'ok.yaml');
    fs.writeFileSync(file, manifest('  replicas: 1\n'));
    const r = await cli(cluster, ['apply', '--strict', '-f', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('deployment.apps/web created');
    expect(r.stderr).toBe('');
    // let the pod start before the cluster stops (a container still being created at stop could outlive it)
    await cluster.waitForDeploymentAvailable('web', { timeoutMs: 30_000 });
  }, 40_000);
});
