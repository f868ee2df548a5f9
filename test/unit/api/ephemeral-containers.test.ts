// pods/{name}/ephemeralcontainers: the apiserver's rules for what may be written there.
import { describe, expect, it } from 'vitest';
import { withEphemeralContainers } from '../../../src/api/registry/ephemeral-containers.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { Pod } from '../../../src/kube/types.js';
import type { Stored } from '../../../src/store/store.js';

const pod = (ephemeral: unknown[] = []): Stored<Pod> => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'app', image: 'i' }], volumes: [{ name: 'data', emptyDir: {} }], ...(ephemeral.length ? { ephemeralContainers: ephemeral as never } : {}) },
} as Stored<Pod>);

function message(fn: () => unknown): string {
  try { fn(); } catch (err) { return `${(err as StatusError).code} ${(err as StatusError).message}`; }
  return 'no error';
}

describe('withEphemeralContainers', () => {
  it('adds a container with the defaults of any container; kubectl\'s empty resources are no resources', () => {
    const out = withEphemeralContainers(pod(), [{ name: 'dbg', image: 'busybox', targetContainerName: 'app', stdin: true, resources: {} }]);
    expect(out.spec?.ephemeralContainers).toEqual([{
      name: 'dbg', image: 'busybox', targetContainerName: 'app', stdin: true, resources: {},
      imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    }]);
  });

  it('refuses what an ephemeral container cannot have, a duplicate name, an unknown target or volume', () => {
    expect(message(() => withEphemeralContainers(pod(), [{ name: 'app', image: 'i', ports: [{ containerPort: 80 }], livenessProbe: { exec: { command: ['true'] } }, targetContainerName: 'nope', volumeMounts: [{ name: 'x', mountPath: '/x' }] }])))
      .toBe('422 Pod "p" is invalid: [spec.ephemeralContainers[0].name: Duplicate value: "app", spec.ephemeralContainers[0].livenessProbe: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[0].volumeMounts[0].name: Not found: "x", spec.ephemeralContainers[0].targetContainerName: Not found: "nope"]');
  });

  it('existing ones may be neither removed nor changed', () => {
    const current = pod([{ name: 'dbg', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }]);
    expect(message(() => withEphemeralContainers(current, []))).toBe('422 Pod "p" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed');
    expect(message(() => withEphemeralContainers(current, [{ name: 'dbg', image: 'other' }]))).toBe('422 Pod "p" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed');
    expect(withEphemeralContainers(current, [{ name: 'dbg', image: 'busybox' }, { name: 'two', image: 'busybox' }]).spec?.ephemeralContainers?.map((c) => c.name)).toEqual(['dbg', 'two']);
  });
});
