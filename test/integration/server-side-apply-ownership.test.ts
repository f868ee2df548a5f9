// Server-side apply's field ownership through real kubectl on the real engine: managedFields recorded
// for apply, scale and client-side writes, the 409 an apply gets for a field `kubectl scale` took, the
// force that takes it back, a field dropped from the configuration removed, and kubectl 1.20 likewise.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const deployment = (replicas: number, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: owned
  labels: {${labels}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: owned}}
  template:
    metadata: {labels: {app: owned}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: ondalk8s/healthcheck:v1
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: one}]
`;

interface Entry { manager: string; operation: string; subresource?: string; apiVersion: string; fieldsV1: Record<string, any> }

describe('server-side apply field ownership', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  const managed = async (what: string): Promise<Entry[]> => {
    const got = await k.run(['get', what, '-o', 'json', '--show-managed-fields']);
    return JSON.parse(got.stdout).metadata.managedFields as Entry[];
  };
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('apply, scale, conflict (exact message), --force-conflicts, and removal of a dropped field', async () => {
    const first = await k.run(['apply', '--server-side', '-f', '-'], { input: deployment(1, 'app: owned, tier: web') });
    expect(first, first.stderr).toMatchObject({ code: 0, stdout: 'deployment.apps/owned serverside-applied\n' });
    const [applied] = await managed('deploy/owned');
    expect(applied).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    const container = applied!.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}'];
    expect(container['f:ports']).toEqual({ 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } });
    expect(container['f:env']).toEqual({ 'k:{"name":"MODE"}': { '.': {}, 'f:name': {}, 'f:value': {} } });
    // kubectl hides them unless asked
    expect((await k.run(['get', 'deploy/owned', '-o', 'yaml'])).stdout).not.toContain('managedFields');

    expect((await k.run(['scale', 'deploy/owned', '--replicas=2'])).code).toBe(0);
    const scaled = await managed('deploy/owned');
    expect(scaled.map((e) => [e.manager, e.operation, e.subresource ?? ''])).toEqual([['kubectl', 'Apply', ''], ['kubectl', 'Update', 'scale']]);
    expect(scaled[1]!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });

    const conflict = await k.run(['apply', '--server-side', '-f', '-'], { input: deployment(1, 'app: owned, tier: web') });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    expect((await k.run(['get', 'deploy/owned', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('2');

    // the same value is no conflict: the field is shared
    expect((await k.run(['apply', '--server-side', '-f', '-'], { input: deployment(2, 'app: owned, tier: web') })).code).toBe(0);

    const forced = await k.run(['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: deployment(1, 'app: owned') });
    expect(forced, forced.stderr).toMatchObject({ code: 0 });
    const after = JSON.parse((await k.run(['get', 'deploy/owned', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(after.spec.replicas).toBe(1);
    expect(after.metadata.labels).toEqual({ app: 'owned' });
    expect(after.metadata.managedFields.map((e: Entry) => e.manager + '/' + e.operation)).toEqual(['kubectl/Apply']);
  }, 60_000);

  it('client-side writes are Updates named by --field-manager or kubectl\'s default; a field they changed conflicts', async () => {
    const created = await k.run(['create', 'configmap', 'settings', '--from-literal=a=1']);
    expect(created.code, created.stderr).toBe(0);
    expect(await managed('cm/settings')).toMatchObject([{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } }]);
    expect((await k.run(['patch', 'cm/settings', '-p', '{"data":{"a":"2"}}'])).code).toBe(0);
    const patched = await managed('cm/settings');
    expect(patched.map((e) => e.manager)).toEqual(['kubectl-create', 'kubectl-patch']);
    expect(patched[1]!.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
    const applied = await k.run(['apply', '--server-side', '--field-manager=tool', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "3"}\n' });
    expect(applied.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a');
  }, 60_000);

  it('kubectl 1.20 gets the same conflict, and its --force-conflicts wins', async () => {
    const file = `${k.dir}/old.yaml`;
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old-client}\ndata: {k: "1"}\n');
    expect((await kubectl120(['apply', '--server-side', '-f', file])).code).toBe(0);
    expect((await k.run(['patch', 'cm/old-client', '--field-manager=editor', '-p', '{"data":{"k":"2"}}'])).code).toBe(0);
    const refused = await kubectl120(['apply', '--server-side', '-f', file]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('conflict with "editor" using v1: .data.k');
    expect((await kubectl120(['apply', '--server-side', '--force-conflicts', '-f', file])).code).toBe(0);
    expect((await k.run(['get', 'cm/old-client', '-o', 'jsonpath={.data.k}'])).stdout).toBe('1');
  }, 60_000);
});
