// Image strings at admission: Docker's grammar at every place a pod spec holds an image, 422 with the path.
import { describe, expect, it } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';

function causes(fn: () => unknown): { field?: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(422);
    return (e as StatusError).details?.causes ?? [];
  }
  throw new Error('accepted');
}

describe('image references at admission', () => {
  it('refuses an invalid image in containers, initContainers and ephemeralContainers with its field path', () => {
    const pod: KubeObject = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'i', image: '../../etc/passwd' }],
        containers: [{ name: 'ok', image: 'nginx' }, { name: 'c', image: 'docker.io//library/nginx:latest' }],
        ephemeralContainers: [{ name: 'e', image: 'upper/CASE' }],
      },
    };
    const found = causes(() => admit(pod));
    expect(found).toContainEqual({ field: 'spec.initContainers[0].image', reason: 'FieldValueInvalid', message: 'Invalid value: "../../etc/passwd": invalid reference format' });
    expect(found).toContainEqual({ field: 'spec.containers[1].image', reason: 'FieldValueInvalid', message: 'Invalid value: "docker.io//library/nginx:latest": invalid reference format' });
    expect(found).toContainEqual({ field: 'spec.ephemeralContainers[0].image', reason: 'FieldValueInvalid', message: 'Invalid value: "upper/CASE": invalid reference format: repository name (upper/CASE) must be lowercase' });
    expect(found.some((c) => c.field === 'spec.containers[0].image')).toBe(false);
  });

  it('checks the pod template of a ReplicaSet', () => {
    const rs: KubeObject = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'a/../../127.0.0.1:1/x' }] } } },
    };
    expect(causes(() => admit(rs))).toContainEqual(
      { field: 'spec.template.spec.containers[0].image', reason: 'FieldValueInvalid', message: 'Invalid value: "a/../../127.0.0.1:1/x": invalid reference format' },
    );
    const good = structuredClone(rs) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    good.spec.template.spec.containers[0]!.image = 'busybox:1.36';
    expect(() => admit(good as unknown as KubeObject)).not.toThrow();
  });
});
