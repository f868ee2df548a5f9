import { describe, expect, it } from 'vitest';
import { byAnyName, RESOURCE_TYPES, servedGroups } from '../../../src/kube/kinds.js';

describe('the kinds table', () => {
  it.each([
    ['po', 'Pod'], ['pods', 'Pod'], ['Pod', 'Pod'], ['deploy', 'Deployment'], ['deployment.apps', 'Deployment'],
    ['deployments.apps', 'Deployment'], ['rs.apps', 'ReplicaSet'], ['svc', 'Service'],
  ])('resolves %s to %s', (typed, kind) => {
    expect(byAnyName(typed)?.kind).toBe(kind);
  });

  it('refuses a name qualified with a group the kind is not in', () => {
    expect(byAnyName('pods.apps')).toBeUndefined();
    expect(byAnyName('deployment.batch')).toBeUndefined();
  });

  it('serves each non-core group once, apps first, with its version', () => {
    const groups = servedGroups();
    expect(groups[0]).toEqual({ group: 'apps', version: 'v1' });
    expect(new Set(groups.map((g) => g.group)).size).toBe(groups.length);
    for (const t of RESOURCE_TYPES.filter((r) => r.group)) expect(groups).toContainEqual({ group: t.group, version: t.version });
  });
});
