// Discovery from one list of served group/versions: a group served at two versions is one APIGroup (the
// first version preferred) in /apis and one item in the aggregated form; group/versions served by
// handlers of their own (extraGroupVersions) are listed after the auth groups, before the legacy one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { registerDiscovery } from '../../../src/api/handlers/discovery.js';
import { Router } from '../../../src/api/http/router.js';
import { servedGroups } from '../../../src/kube/kinds.js';

/** the kinds table's groups (apps first), then the fixed ones, the extra ones, the legacy one */
const ORDER = [...servedGroups().map((g) => g.group), 'discovery.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'metrics.k8s.io', 'extensions'];

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function get(router: Router, url: string, accept = 'application/json'): any {
  const req = { method: 'GET', url, headers: { accept } } as unknown as IncomingMessage;
  let body = '';
  const res = { writeHead: () => res, end: (b?: Buffer | string) => { body = String(b ?? ''); } } as unknown as ServerResponse;
  void router.match(req)!(req, res);
  return JSON.parse(body);
}

describe('discovery', () => {
  const router = new Router();
  const metrics = (version: string) => ({
    group: 'metrics.k8s.io', version,
    resources: [{ name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }],
  });
  registerDiscovery(router, { version: { major: '1', minor: '32', gitVersion: 'v1.32.0' }, port: () => 1, extraGroupVersions: [metrics('v1beta1'), metrics('v1alpha1')] });

  it('lists a group served at two versions once, its first version preferred, after the auth groups', () => {
    const groups = get(router, '/apis').groups as any[];
    expect(groups.map((g) => g.name)).toEqual(ORDER);
    expect(ORDER.slice(0, 6)).toEqual(['apps', 'autoscaling', 'batch', 'policy', 'storage.k8s.io', 'coordination.k8s.io']);
    // a kind of the table served at a second version too (HorizontalPodAutoscaler: v2, and v1 by conversion)
    const autoscaling = groups.find((g) => g.name === 'autoscaling');
    expect(autoscaling.versions.map((v: any) => v.version)).toEqual(['v2', 'v1']);
    expect(get(router, '/apis/autoscaling/v1').resources.map((r: any) => r.name)).toContain('horizontalpodautoscalers');
    const m = groups.find((g) => g.name === 'metrics.k8s.io');
    expect(m.versions.map((v: any) => v.version)).toEqual(['v1beta1', 'v1alpha1']);
    expect(m.preferredVersion.version).toBe('v1beta1');
    expect(get(router, '/apis/metrics.k8s.io')).toMatchObject({ kind: 'APIGroup', preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1' } });
    expect(get(router, '/apis/metrics.k8s.io/v1alpha1')).toMatchObject({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1alpha1' });
  });

  it('gives the aggregated form one item per group with its versions in the same order', () => {
    const items = get(router, '/apis', `${AGGREGATED},application/json`).items as any[];
    expect(items.map((i) => i.metadata.name)).toEqual(ORDER);
    const m = items.find((i) => i.metadata.name === 'metrics.k8s.io');
    expect(m.versions.map((v: any) => v.version)).toEqual(['v1beta1', 'v1alpha1']);
    expect(m.versions[0].resources[0]).toMatchObject({ resource: 'pods', responseKind: { group: '', version: '', kind: 'PodMetrics' }, scope: 'Namespaced', verbs: ['get', 'list'] });
    expect(get(router, '/api', AGGREGATED).items.map((i: any) => i.metadata.name)).toEqual(['']);
  });

  it('answers the plain forms when the aggregated one is not asked for (v2beta1 alone is not served)', () => {
    expect(get(router, '/apis', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json').kind).toBe('APIGroupList');
    expect(get(router, '/api').kind).toBe('APIVersions');
  });
});
