// A container's environment (src/kubelet/env.ts): env values with $(VAR) expansion, and fieldRef.
import { describe, expect, it } from 'vitest';
import { staticEnv } from '../../../src/kubelet/env.js';
import type { Container, Pod } from '../../../src/kube/types.js';

const pod: Pod = { metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', labels: { app: 'web' } }, spec: { containers: [] } };

describe('staticEnv', () => {
  it('expands $(VAR) against earlier variables, keeps unknown references and $$ as $', () => {
    const c: Container = { name: 'c', env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$(A)-$(NOPE)-$$(A)' }, { name: 'E' }] };
    expect(staticEnv(pod, c)).toEqual([{ name: 'A', value: 'x' }, { name: 'B', value: 'x-$(NOPE)-$(A)' }, { name: 'E', value: '' }]);
  });
  it('fieldRef: the pod\'s name, namespace, uid and labels', () => {
    const ref = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
    const c: Container = { name: 'c', env: [
      { name: 'N', ...ref('metadata.name') }, { name: 'NS', ...ref('metadata.namespace') },
      { name: 'U', ...ref('metadata.uid') }, { name: 'L', ...ref("metadata.labels['app']") },
    ] };
    expect(staticEnv(pod, c)).toEqual([{ name: 'N', value: 'web-1' }, { name: 'NS', value: 'shop' }, { name: 'U', value: 'u1' }, { name: 'L', value: 'web' }]);
  });
});
