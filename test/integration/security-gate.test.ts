// The security gate sits where every path that makes a pod converges. Without --allow-privileged:
// - every kind with a pod template (ReplicaSet included, which used to skip admission) is refused on
//   create, apply, replace, merge patch and server-side apply, with the field named, by real kubectl;
// - a privileged ReplicaSet already in the store (written before the gate, or by any writer that
//   bypasses the API) gets no pod: its controller reports FailedCreate;
// - a privileged pod that reaches the kubelet anyway is refused by the runtime before Docker sees it;
// - Namespace, Endpoints and Event writes are validated like every other kind.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podSecurityGate } from '../../src/manifests/pod-gate.js';
import type { Event, Pod } from '../../src/kube/types.js';
import { LABEL_CLUSTER } from '../../src/runtime/runtime.js';
import { sleep, until } from './harness.js';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const SETTINGS: [string, string, RegExp][] = [
  ['privileged', 'containers: [{name: c, image: ondalk8s/healthcheck:v1, securityContext: {privileged: true}}]', /spec.template.spec.containers\[0\].securityContext.privileged: Forbidden/],
  ['capabilities', 'containers: [{name: c, image: ondalk8s/healthcheck:v1, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]', /spec.template.spec.containers\[0\].securityContext.capabilities.add: Forbidden/],
  ['hostnetwork', 'hostNetwork: true\n      containers: [{name: c, image: ondalk8s/healthcheck:v1}]', /spec.template.spec.hostNetwork: Forbidden/],
  ['hostpid', 'hostPID: true\n      containers: [{name: c, image: ondalk8s/healthcheck:v1}]', /spec.template.spec.hostPID: Forbidden/],
  ['socket', 'volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]\n      containers: [{name: c, image: ondalk8s/healthcheck:v1, volumeMounts: [{name: s, mountPath: /s}]}]', /spec.template.spec.volumes\[0\].hostPath: Forbidden: .*Docker socket/],
  ['lowport', 'containers: [{name: c, image: ondalk8s/healthcheck:v1, ports: [{containerPort: 80, hostPort: 80}]}]', /spec.template.spec.containers\[0\].ports\[0\].hostPort: Forbidden/],
];

function replicaSet(name: string, podSpec: string): string {
  return `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      ${podSpec}
`;
}

describe('security gate: no kind and no writer bypasses it', () => {
  let env: KubectlEnv;

  // inProcess: reads the store behind the API
  beforeAll(async () => { env = await kubectlEnv('kubectl', { inProcess: true }); }, 120_000);
  afterAll(async () => { await env?.stop(); }, 60_000);

  const clusterContainers = () => execFileSync('docker', ['ps', '-a', '--format', '{{.Names}} {{.Ports}}', '--filter', `label=${LABEL_CLUSTER}=${env.cluster.clusterId}`], { encoding: 'utf8' });

  it('refuses ReplicaSets with privileged, added capabilities, hostNetwork, hostPID, the Docker socket or a hostPort below 1024 on every write verb (kubectl 1.32)', async () => {
    for (const [name, spec, field] of SETTINGS) {
      const file = path.join(env.dir, `rs-${name}.yaml`);
      fs.writeFileSync(file, replicaSet(`rs-${name}`, spec));
      for (const verb of [['apply', '-f', file], ['create', '-f', file], ['apply', '--server-side', '-f', file]]) {
        const r = await env.run(verb);
        expect(r.code, `${verb.join(' ')}: ${r.stdout}`).not.toBe(0);
        expect(r.stderr, verb.join(' ')).toMatch(field);
        expect(r.stderr).toMatch(/mini-kube refuses this because .*--allow-privileged/);
      }
    }
    // An admitted ReplicaSet cannot be turned privileged afterwards: replace, merge patch, JSON patch, apply.
    const okFile = path.join(env.dir, 'rs-ok.yaml');
    fs.writeFileSync(okFile, replicaSet('rs-ok', 'containers: [{name: c, image: ondalk8s/healthcheck:v1, command: [sh, -c, "sleep 3600"]}]'));
    expect((await env.run(['apply', '-f', okFile])).code).toBe(0);
    const lowport = path.join(env.dir, 'rs-ok-lowport.yaml');
    fs.writeFileSync(lowport, replicaSet('rs-ok', SETTINGS[5]![1]));
    const changes: string[][] = [
      ['replace', '-f', lowport],
      ['apply', '-f', lowport],
      ['apply', '--server-side', '--force-conflicts', '-f', lowport],
      ['patch', 'rs', 'rs-ok', '--type=merge', '-p', '{"spec":{"template":{"spec":{"hostPID":true}}}}'],
      ['patch', 'rs', 'rs-ok', '--type=json', '-p', '[{"op":"add","path":"/spec/template/spec/hostNetwork","value":true}]'],
      ['patch', 'rs', 'rs-ok', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"c","securityContext":{"privileged":true}}]}}}}'],
    ];
    for (const args of changes) {
      const r = await env.run(args);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(/Forbidden: mini-kube refuses this/);
    }
    const listed = await env.run(['get', 'rs', '-o', 'name']);
    expect(listed.stdout.trim()).toBe('replicaset.apps/rs-ok');
    await until('the admitted ReplicaSet\'s pod running', async () => (await env.cluster.client.list<Pod>('Pod', { labelSelector: 'app=rs-ok' })).items
      .some((p) => p.status?.containerStatuses?.[0]?.state?.running));
    expect(clusterContainers()).not.toMatch(/:80->/);
  });

  it('a privileged ReplicaSet already in the store gets no pod: its controller reports FailedCreate', async () => {
    const store = env.cluster.controlPlane.store;
    // Written past the gate, as a store from before it would be loaded.
    store.setWriteGuard(undefined);
    try {
      store.create({
        apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'stored-rs', namespace: 'default' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'stored' } }, template: { metadata: { labels: { app: 'stored' } }, spec: { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1', ports: [{ containerPort: 80, hostPort: 80 }] }] } } },
      });
    } finally {
      store.setWriteGuard(podSecurityGate({ allowPrivileged: false }));
    }
    const event = await until('FailedCreate on the ReplicaSet', async () => (await env.cluster.client.list<Event>('Event', { fieldSelector: 'involvedObject.name=stored-rs' })).items
      .find((e) => e.reason === 'FailedCreate'));
    expect(event.message).toMatch(/Error creating: Pod ".*" is invalid: spec.containers\[0\].ports\[0\].hostPort: Forbidden: .*privileged ports/);
    await sleep(1000);
    expect((await env.cluster.client.list<Pod>('Pod', { labelSelector: 'app=stored' })).items).toEqual([]);
  });

  it('a privileged pod that reaches the kubelet anyway is refused by the runtime before Docker sees it', async () => {
    const store = env.cluster.controlPlane.store;
    store.setWriteGuard(undefined);
    try {
      store.create({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sneaky', namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1', ports: [{ containerPort: 80, hostPort: 81, protocol: 'TCP' }] }] },
        status: { phase: 'Pending' },
      });
    } finally {
      store.setWriteGuard(podSecurityGate({ allowPrivileged: false }));
    }
    // The pod's ports are its sandbox's (docs/decisions/110): the sandbox is what the runtime refuses, as
    // the kubelet reports a sandbox it cannot create (FailedCreatePodSandBox); no container is started.
    const refused = await until('the sandbox reported as not creatable', async () =>
      (await env.cluster.events({ object: 'sneaky' })).find((e) => e.reason === 'FailedCreatePodSandBox'));
    expect(refused.type).toBe('Warning');
    expect(refused.message).toMatch(/^Failed to create pod sandbox: refusing to create container k8s_POD_sneaky_.*privileged port 81.*--allow-privileged/);
    expect((await env.cluster.client.get<Pod>('Pod', 'default', 'sneaky')).status?.containerStatuses?.[0]?.state?.running).toBeUndefined();
    expect(clusterContainers()).not.toMatch(/sneaky/);
  });

  it('validates Namespace, Endpoints and Event writes like every other kind', async () => {
    const bad: [string, RegExp][] = [
      ['apiVersion: v1\nkind: Namespace\nmetadata: {name: Not_A_Name}\n', /metadata.name: Invalid value: "Not_A_Name"/],
      ['apiVersion: v1\nkind: Namespace\nmetadata: {name: fine}\nspec: {finalizers: ["bad finalizer!"]}\n', /spec.finalizers\[0\]: Invalid value/],
      ['apiVersion: v1\nkind: Endpoints\nmetadata: {name: ep}\nsubsets: [{addresses: [{ip: not-an-ip}], ports: [{port: 80, protocol: TCP}]}]\n', /subsets\[0\].addresses\[0\].ip: Invalid value: "not-an-ip"/],
      ['apiVersion: v1\nkind: Endpoints\nmetadata: {name: ep}\nsubsets: [{addresses: [{ip: 127.0.0.1}], ports: [{port: 0, protocol: TCP}]}]\n', /loopback range.*ports\[0\].port: Invalid value: 0/s],
      ['apiVersion: v1\nkind: Endpoints\nmetadata: {name: ep}\nsubsets: [{ports: "eighty"}]\n', /cannot be handled as a Endpoints|expected|must be/],
      ['apiVersion: v1\nkind: Event\nmetadata: {name: ev}\ninvolvedObject: {kind: Pod, name: x, namespace: other}\ntype: Bogus\n', /involvedObject.namespace: Invalid value: "other": does not match event.namespace.*type: Unsupported value: "Bogus"/s],
    ];
    for (const [yaml, expected] of bad) {
      const r = await env.run(['apply', '--validate=false', '-f', '-'], { input: yaml });
      expect(r.code, `${yaml}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr, yaml).toMatch(expected);
    }
    const ns = await env.run(['get', 'ns', '-o', 'name']);
    expect(ns.stdout).not.toMatch(/fine|Not_A_Name/i);
    expect((await env.run(['get', 'endpoints', 'ep'])).code).not.toBe(0);
    expect((await env.run(['get', 'events', 'ev'])).code).not.toBe(0);
  });
});
