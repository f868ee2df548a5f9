// Service accounts on a real control plane, through kubectl 1.32 and 1.20: the default ServiceAccount and
// the kube-root-ca.crt ConfigMap in every namespace (kept by their controllers), the ServiceAccount
// admission plugin (defaulting, refusal of a missing account, also for a Deployment's pods), TokenRequest
// (`kubectl create token`), what such a token may do (docs/security.md), `auth whoami` and `auth can-i`
// telling the admin token from a pod's token, and a pod-bound token that dies with its pod.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { cli, until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const pod = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
${extra}  containers:
  - name: main
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "sleep 3600"]
`;

describe('service accounts', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('every namespace has the default ServiceAccount and kube-root-ca.crt (the API CA); both come back', async () => {
    expect((await kubectl120(['create', 'namespace', 'team'])).code).toBe(0);
    await until('team has its default ServiceAccount', async () => (await k.run(['get', 'sa', '-n', 'team', '-o', 'name'])).stdout.trim() === 'serviceaccount/default', 10_000);
    const sas = await k.run(['get', 'serviceaccounts', '-A']);
    expect(sas.stdout).toMatch(/^NAMESPACE\s+NAME\s+SECRETS\s+AGE\n/);
    for (const ns of ['default', 'kube-system', 'kube-public', 'team']) expect(sas.stdout).toMatch(new RegExp(`${ns}\\s+default\\s+0\\s+`));
    const kubeconfig = fs.readFileSync(k.kubeconfig, 'utf8');
    const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)![1]!, 'base64').toString();
    await until('team has kube-root-ca.crt', async () => (await k.run(['get', 'cm', 'kube-root-ca.crt', '-n', 'team', '-o', 'jsonpath={.data.ca\\.crt}'])).stdout === ca, 10_000);
    expect((await k.run(['delete', 'sa', 'default', '-n', 'team'])).code).toBe(0);
    expect((await k.run(['delete', 'cm', 'kube-root-ca.crt', '-n', 'team'])).code).toBe(0);
    await until('both come back', async () => (await k.run(['get', 'sa/default', 'cm/kube-root-ca.crt', '-n', 'team', '-o', 'name'])).stdout.trim().split('\n').length === 2, 10_000);
    expect((await k.run(['patch', 'cm', 'kube-root-ca.crt', '-n', 'team', '--type=merge', '-p', '{"data":{"ca.crt":"forged"}}'])).code).toBe(0);
    await until('the CA is put back', async () => (await k.run(['get', 'cm', 'kube-root-ca.crt', '-n', 'team', '-o', 'jsonpath={.data.ca\\.crt}'])).stdout === ca, 10_000);
  }, 60_000);

  it('admission: serviceAccountName defaults to default; a missing account refuses the pod, also a Deployment\'s', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: pod('plain') })).code).toBe(0);
    expect((await k.run(['get', 'pod', 'plain', '-o', 'jsonpath={.spec.serviceAccountName}/{.spec.serviceAccount}'])).stdout).toBe('default/default');
    const refused = await k.run(['apply', '-f', '-'], { input: pod('builds', '  serviceAccountName: builder\n') });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Error from server (Forbidden): error when creating "STDIN": pods "builds" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found');
    const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: builders}
spec:
  replicas: 1
  selector: {matchLabels: {app: builders}}
  template:
    metadata: {labels: {app: builders}}
    spec:
      serviceAccountName: builder
      terminationGracePeriodSeconds: 1
      containers: [{name: main, image: ondalk8s/healthcheck:v1, command: ["sh", "-c", "sleep 3600"]}]
`;
    expect((await k.run(['apply', '-f', '-'], { input: deploy })).code).toBe(0);
    await until('the ReplicaSet reports FailedCreate', async () => (await k.run(['get', 'events', '--field-selector', 'reason=FailedCreate'])).stdout.includes('error looking up service account default/builder: serviceaccount "builder" not found'), 20_000);
    // the account arrives: the pods follow, with the account named
    expect((await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder}\n' })).code).toBe(0);
    await until('the Deployment has its pod', async () => (await k.run(['get', 'pods', '-l', 'app=builders', '-o', 'jsonpath={.items[*].spec.serviceAccountName}'])).stdout === 'builder', 30_000);
    expect((await k.run(['apply', '-f', '-'], { input: pod('builds', '  serviceAccountName: builder\n') })).code).toBe(0);
    // re-applying the same manifest keeps what admission filled in (kubectl's patch, mini-kube's replace)
    const again = await k.run(['apply', '-f', '-'], { input: pod('plain') });
    expect(again.code, again.stderr).toBe(0);
    const file = `${k.dir}/ours.yaml`;
    fs.writeFileSync(file, pod('ours'));
    expect((await cli(k.cluster, ['apply', '-f', file])).stdout.trim()).toBe('pod/ours created');
    const ours = await cli(k.cluster, ['apply', '-f', file]);
    expect(ours.stdout.trim(), ours.stderr).toBe('pod/ours unchanged');
  }, 90_000);

  it('kubectl create token; the token is the service account, reads its own namespace only, never secrets, never writes', async () => {
    const created = await k.run(['create', 'token', 'default', '-n', 'team', '--duration=15m']);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number; sub: string };
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.sub).toBe('system:serviceaccount:team:default');
    const as = (args: string[], input?: string) => k.run(['--token', token, ...args], { input });
    const who = await as(['auth', 'whoami']);
    expect(who.stdout).toMatch(/Username\s+system:serviceaccount:team:default\n/);
    expect(who.stdout).toMatch(/Groups\s+\[system:serviceaccounts system:serviceaccounts:team system:authenticated\]/);
    const admin = await k.run(['auth', 'whoami']);
    expect(admin.stdout).toMatch(/Username\s+kubernetes-admin\nGroups\s+\[system:masters system:authenticated\]/);

    expect((await as(['get', 'pods', '-n', 'team'])).code).toBe(0);
    expect((await as(['get', 'configmap', 'kube-root-ca.crt', '-n', 'team'])).code).toBe(0);
    const secrets = await as(['get', 'secrets', '-n', 'team']);
    expect(secrets.stderr).toContain('Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:team:default" cannot list resource "secrets" in API group "" in the namespace "team"');
    expect((await as(['get', 'pods', '-n', 'default'])).stderr).toContain('cannot list resource "pods" in API group "" in the namespace "default"');
    expect((await as(['get', 'nodes'])).stderr).toContain('cannot list resource "nodes" in API group "" at the cluster scope');
    const write = await as(['apply', '-n', 'team', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\ndata: {a: b}\n');
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('configmaps is forbidden: User "system:serviceaccount:team:default" cannot create resource "configmaps" in API group "" in the namespace "team"');
    expect((await as(['delete', 'sa', 'default', '-n', 'team'])).stderr).toContain('cannot delete resource "serviceaccounts"');
    expect((await as(['create', 'token', 'default', '-n', 'team'])).stderr).toContain('cannot create resource "serviceaccounts/token"');

    // can-i tells the truth, through both kubectl versions
    for (const [args, want] of [
      [['auth', 'can-i', 'list', 'pods', '-n', 'team'], 'yes'],
      [['auth', 'can-i', 'watch', 'deployments.apps', '-n', 'team'], 'yes'],
      [['auth', 'can-i', 'get', 'secrets', '-n', 'team'], 'no'],
      [['auth', 'can-i', 'create', 'pods', '-n', 'team'], 'no'],
      [['auth', 'can-i', 'list', 'pods', '-n', 'default'], 'no'],
    ] as const) {
      expect((await as([...args])).stdout.trim(), args.join(' ')).toBe(want);
      expect((await kubectl120(['--token', token, ...args])).stdout.trim(), `1.20 ${args.join(' ')}`).toBe(want);
    }
    expect((await k.run(['auth', 'can-i', 'delete', 'secrets', '-n', 'team'])).stdout.trim()).toBe('yes');
    expect((await kubectl120(['auth', 'can-i', '*', '*'])).stdout.trim()).toBe('yes');
    const list = await as(['auth', 'can-i', '--list', '-n', 'team']);
    expect(list.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(list.stdout).not.toMatch(/^secrets/m);
    expect((await k.run(['auth', 'can-i', '--list'])).stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  }, 90_000);

  it('a token bound to a pod stops working when the pod is deleted', async () => {
    expect((await k.run(['apply', '-n', 'team', '-f', '-'], { input: pod('holder') })).code).toBe(0);
    const uid = (await k.run(['get', 'pod', 'holder', '-n', 'team', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const created = await k.run(['create', 'token', 'default', '-n', 'team', '--bound-object-kind=Pod', '--bound-object-name=holder', `--bound-object-uid=${uid}`]);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    const who = await k.run(['--token', token, 'auth', 'whoami']);
    expect(who.stdout).toMatch(/authentication\.kubernetes\.io\/pod-name\s+\[holder\]/);
    expect((await k.run(['delete', 'pod', 'holder', '-n', 'team', '--wait=true'])).code).toBe(0);
    await until('the pod is gone', async () => (await k.run(['get', 'pod', 'holder', '-n', 'team', '--ignore-not-found', '-o', 'name'])).stdout === '', 30_000);
    const after = await k.run(['--token', token, 'get', 'pods', '-n', 'team']);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain('Unauthorized');
    const missing = await k.run(['create', 'token', 'nobody', '-n', 'team']);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
  }, 90_000);
});
