import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { createWithGeneratedName, podTemplateHash } from '../../../src/controllers/util/hash.js';
import { generateName, safeEncodeString } from '../../../src/kube/names.js';
import { resolveFenceposts } from '../../../src/kube/int-or-percent.js';

const template = {
  metadata: { labels: { app: 'liveness-pod' } },
  spec: { containers: [{ name: 'liveness', image: 'registry.k8s.io/busybox', args: ['sleep', '600'] }] },
};

describe('names', () => {
  it('encodes decimal digits through the Kubernetes alphabet', () => {
    // '0' is char code 48, 48 % 27 = 21 -> '4'; so digits map to 4-9 and b c d f.
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('hashes a template to 1-10 safe characters, the same whatever the key order', () => {
    const h = podTemplateHash(template);
    expect(h).toMatch(/^[4-9bcdf]{1,10}$/);
    const reordered = { spec: { containers: [{ args: ['sleep', '600'], image: 'registry.k8s.io/busybox', name: 'liveness' }] }, metadata: { labels: { app: 'liveness-pod' } } };
    expect(podTemplateHash(reordered)).toBe(h);
  });

  it('changes the hash with the template and with the collision count', () => {
    const h = podTemplateHash(template);
    const other = structuredClone(template);
    other.spec.containers[0]!.image = 'registry.k8s.io/busybox:1.36';
    expect(podTemplateHash(other)).not.toBe(h);
    expect(podTemplateHash(template, 1)).not.toBe(h);
    expect(podTemplateHash(template, 1)).toBe(podTemplateHash(template, 1));
    expect(podTemplateHash(template, 1)).not.toBe(podTemplateHash(template, 2));
  });

  it('generates base + 5 random characters, the base cut at 58', () => {
    const n = generateName('liveness-pod-7c5ddbdf54-');
    expect(n).toMatch(/^liveness-pod-7c5ddbdf54-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const long = generateName('x'.repeat(70));
    expect(long).toHaveLength(63);
    expect(long.startsWith('x'.repeat(58))).toBe(true);
    expect(new Set(Array.from({ length: 50 }, () => generateName('a-'))).size).toBeGreaterThan(45);
  });

  it('draws another name when the generated one is taken', () => {
    const store = new Store();
    store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-aaaaa', namespace: 'default' }, spec: { containers: [] } });
    const names = ['web-aaaaa', 'web-bbbbb'];
    const pod = createWithGeneratedName(store, { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default' }, spec: { containers: [] } }, 'web-', () => names.shift()!);
    expect(pod.metadata.name).toBe('web-bbbbb');
    expect(pod.metadata.generateName).toBe('web-');
    expect(store.list('Pod')).toHaveLength(2);
  });
});

describe('resolveFenceposts', () => {
  it.each([
    [1, undefined, undefined, 1, 0],
    [3, undefined, undefined, 1, 0],
    [4, undefined, undefined, 1, 1],
    [10, undefined, undefined, 3, 2],
    [10, '30%', '30%', 3, 3],
    [5, 0, 0, 0, 1],
    [5, 2, '0%', 2, 0],
  ])('replicas %i, maxSurge %s, maxUnavailable %s -> surge %i, unavailable %i', (replicas, surge, unavailable, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, replicas)).toEqual({ surge: wantSurge, unavailable: wantUnavailable });
  });
});
