// Admission of configMap, secret, downwardAPI and projected volumes and of subPath, as the apiserver
// validates them, and what mini-kube refuses of them (a sub-path of an emptyDir).
import { describe, expect, it } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';

const pod = (volumes: unknown[], mounts: unknown[] = []): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'nginx:1.25', volumeMounts: mounts }], volumes },
});

function causes(obj: KubeObject): string[] {
  try {
    admit(obj);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return ((e as StatusError).details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  }
  return [];
}

describe('volume admission', () => {
  it('accepts every implemented source with items, modes, optional, subPath and subPathExpr; defaults fieldRef and token lifetime', () => {
    const obj = pod([
      { name: 'a', configMap: { name: 'cm', items: [{ key: 'k', path: 'dir/k', mode: 0o400 }], optional: true, defaultMode: 0o600 } },
      { name: 'b', secret: { secretName: 's', defaultMode: 0o440 } },
      { name: 'c', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory' } }] } },
      { name: 'd', projected: { sources: [{ configMap: { name: 'cm' } }, { serviceAccountToken: { path: 'token' } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
      { name: 'e', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      { name: 'f', emptyDir: { sizeLimit: '1Gi' } },
    ], [{ name: 'a', mountPath: '/a', subPath: 'dir' }, { name: 'd', mountPath: '/d', subPathExpr: '$(X)' }, { name: 'e', mountPath: '/e', mountPropagation: 'None' }]);
    expect(causes(obj)).toEqual([]);
    const admitted = admit(obj).object as { spec: { volumes: { downwardAPI?: { items: { fieldRef?: { apiVersion: string } }[] }; projected?: { sources: { serviceAccountToken?: { expirationSeconds: number } }[] } }[] } };
    expect(admitted.spec.volumes[2]!.downwardAPI!.items[0]!.fieldRef!.apiVersion).toBe('v1');
    expect(admitted.spec.volumes[3]!.projected!.sources[1]!.serviceAccountToken!.expirationSeconds).toBe(3600);
  });

  it.each([
    [[{ name: 'a', configMap: {} }], [], 'spec.volumes[0].configMap.name: Required value'],
    [[{ name: 'a', secret: { defaultMode: 0o1000 } }], [], 'spec.volumes[0].secret.secretName: Required value'],
    [[{ name: 'a', secret: { secretName: 's', defaultMode: 512 } }], [], 'spec.volumes[0].secret.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive'],
    [[{ name: 'a', configMap: { name: 'x', items: [{ key: 'k', path: '/abs' }] } }], [], 'spec.volumes[0].configMap.items[0].path: Invalid value: "/abs": must be a relative path'],
    [[{ name: 'a', configMap: { name: 'x', items: [{ key: 'k', path: '..x' }] } }], [], "spec.volumes[0].configMap.items[0].path: Invalid value: \"..x\": must not start with '..'"],
    [[{ name: 'a', downwardAPI: { items: [{ path: 'x', fieldRef: { fieldPath: 'status.podIP' } }] } }], [], 'spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath: Unsupported value: "status.podIP"'],
    [[{ name: 'a', downwardAPI: { items: [{ path: 'x', resourceFieldRef: { resource: 'limits.cpu' } }] } }], [], 'spec.volumes[0].downwardAPI.items[0].resourceFieldRef.containerName: Required value'],
    [[{ name: 'a', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 60 } }] } }], [], 'spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes'],
    [[{ name: 'a', projected: { sources: [{ configMap: { name: 'x', items: [{ key: 'k', path: 'p' }] } }, { secret: { name: 's', items: [{ key: 'k', path: 'p' }] } }] } }], [], 'spec.volumes[0].projected.sources[1].secret.items[0].path: Invalid value: "p": conflicting duplicate paths'],
    [[{ name: 'a', projected: { sources: [{ clusterTrustBundle: { path: 'b', signerName: 'x' } }] } }], [], 'spec.volumes[0].projected.sources[0].clusterTrustBundle: Forbidden: mini-kube does not implement'],
    [[{ name: 'a', configMap: { name: 'x' } }], [{ name: 'a', mountPath: '/a', subPath: '../x' }], "spec.containers[0].volumeMounts[0].subPath: Invalid value: \"../x\": must not contain '..'"],
    [[{ name: 'a', configMap: { name: 'x' } }], [{ name: 'a', mountPath: '/a', subPath: 'x', subPathExpr: 'y' }], 'spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: "y": subPathExpr and subPath are mutually exclusive'],
    [[{ name: 'a', emptyDir: {} }], [{ name: 'a', mountPath: '/a', subPathExpr: '$(X)' }], 'spec.containers[0].volumeMounts[0].subPathExpr: Forbidden: mini-kube does not implement spec.containers[0].volumeMounts[0].subPathExpr (on an emptyDir'],
    [[{ name: 'a', emptyDir: { medium: 'HugePages' } }], [], 'spec.volumes[0].emptyDir.medium: Forbidden: mini-kube does not implement spec.volumes[0].emptyDir.medium ("HugePages"'],
  ])('refuses %j %j', (volumes, mounts, cause) => {
    expect(causes(pod(volumes, mounts)).join('\n')).toContain(cause);
  });
});
