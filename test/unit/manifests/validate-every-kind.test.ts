// Every served kind is admitted on every write: the kinds that used to pass through unchecked
// (ReplicaSet, Namespace, Endpoints, Event) are validated like the others, and a ReplicaSet's template
// meets the same privileged-settings gate as a Pod's.
import { describe, expect, it } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';

function refusal(obj: object, opts = {}): string {
  try {
    admit(obj as KubeObject, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return (err as StatusError).message;
  }
  return 'admitted';
}

const rs = (podSpec: object, extra: object = {}) => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podSpec } }, ...extra,
});
const container = { name: 'c', image: 'i' };

describe('admission of every kind', () => {
  it.each([
    ['a plain ReplicaSet', rs({ containers: [container] }), 'admitted'],
    ['a privileged ReplicaSet template', rs({ containers: [{ ...container, securityContext: { privileged: true } }] }), 'spec.template.spec.containers[0].securityContext.privileged: Forbidden: mini-kube refuses'],
    ['a ReplicaSet on the host network', rs({ hostNetwork: true, containers: [container] }), 'spec.template.spec.hostNetwork: Forbidden'],
    ['a ReplicaSet mounting /var/run', rs({ volumes: [{ name: 'v', hostPath: { path: '/var/run' } }], containers: [container] }), 'Docker socket'],
    ['a ReplicaSet whose selector misses its template', { ...rs({ containers: [container] }), spec: { selector: { matchLabels: { a: 'x' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container] } } } }, '`selector` does not match template `labels`'],
    ['a ReplicaSet with negative replicas', { ...rs({ containers: [container] }), spec: { ...rs({ containers: [container] }).spec, replicas: -1 } }, 'spec.replicas: Invalid value: -1'],
    ['a Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, 'admitted'],
    ['a Namespace named like a subdomain', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }, 'metadata.name: Invalid value: "a.b"'],
    ['Endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.2' }], ports: [{ port: 80, protocol: 'TCP' }] }] }, 'admitted'],
    ['Endpoints on loopback', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'default' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] }, 'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range'],
    ['Endpoints with two unnamed ports', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'default' }, subsets: [{ ports: [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }] }] }, 'subsets[0].ports[0].name: Required value'],
    ['Endpoints with a port of the wrong type', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'default' }, subsets: [{ ports: [{ port: 'http' }] }] }, 'Endpoints in version "v1" cannot be handled as a Endpoints'],
    ['an Event', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, type: 'Normal' }, 'admitted'],
    ['an Event about another namespace', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'x' } }, 'involvedObject.namespace: Invalid value: "x": does not match event.namespace'],
  ])('%s', (_what, obj, expected) => {
    const got = refusal(obj);
    if (expected === 'admitted') expect(got).toBe('admitted');
    else expect(got).toContain(expected);
  });

  it('admits a privileged ReplicaSet with --allow-privileged', () => {
    expect(refusal(rs({ hostPID: true, containers: [container] }), { allowPrivileged: true })).toBe('admitted');
  });
});
