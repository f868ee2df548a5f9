// `kubectl api-resources` as a real apiserver lists it: every kind of the kinds table (and those being added)
// must have the real resource name, short names, scope, group and `all` category. The reference rows are
// a real 1.2x cluster's `kubectl api-resources` (the `all` category from the apiserver's REST storage:
// pods, services, replicationcontrollers, the apps workloads, jobs, cronjobs, horizontalpodautoscalers).
import { describe, expect, it } from 'vitest';
import { servedGroupVersions } from '../../../src/api/handlers/discovery.js';
import { RESOURCE_TYPES } from '../../../src/kube/kinds.js';

interface Real { name: string; shortNames: string[]; group: string; namespaced: boolean; kind: string; all: boolean }
const row = (name: string, short: string, group: string, namespaced: boolean, kind: string, all = false): Real =>
  ({ name, shortNames: short ? short.split(',') : [], group, namespaced, kind, all });

const REAL: Real[] = [
  row('configmaps', 'cm', '', true, 'ConfigMap'),
  row('endpoints', 'ep', '', true, 'Endpoints'),
  row('events', 'ev', '', true, 'Event'),
  row('limitranges', 'limits', '', true, 'LimitRange'),
  row('namespaces', 'ns', '', false, 'Namespace'),
  row('nodes', 'no', '', false, 'Node'),
  row('persistentvolumeclaims', 'pvc', '', true, 'PersistentVolumeClaim'),
  row('persistentvolumes', 'pv', '', false, 'PersistentVolume'),
  row('pods', 'po', '', true, 'Pod', true),
  row('podtemplates', '', '', true, 'PodTemplate'),
  row('replicationcontrollers', 'rc', '', true, 'ReplicationController', true),
  row('resourcequotas', 'quota', '', true, 'ResourceQuota'),
  row('secrets', '', '', true, 'Secret'),
  row('serviceaccounts', 'sa', '', true, 'ServiceAccount'),
  row('services', 'svc', '', true, 'Service', true),
  row('controllerrevisions', '', 'apps', true, 'ControllerRevision'),
  row('daemonsets', 'ds', 'apps', true, 'DaemonSet', true),
  row('deployments', 'deploy', 'apps', true, 'Deployment', true),
  row('replicasets', 'rs', 'apps', true, 'ReplicaSet', true),
  row('statefulsets', 'sts', 'apps', true, 'StatefulSet', true),
  row('horizontalpodautoscalers', 'hpa', 'autoscaling', true, 'HorizontalPodAutoscaler', true),
  row('cronjobs', 'cj', 'batch', true, 'CronJob', true),
  row('jobs', '', 'batch', true, 'Job', true),
  row('leases', '', 'coordination.k8s.io', true, 'Lease'),
  row('endpointslices', '', 'discovery.k8s.io', true, 'EndpointSlice'),
  row('ingresses', 'ing', 'networking.k8s.io', true, 'Ingress'),
  row('networkpolicies', 'netpol', 'networking.k8s.io', true, 'NetworkPolicy'),
  row('poddisruptionbudgets', 'pdb', 'policy', true, 'PodDisruptionBudget'),
  row('priorityclasses', 'pc', 'scheduling.k8s.io', false, 'PriorityClass'),
  row('storageclasses', 'sc', 'storage.k8s.io', false, 'StorageClass'),
  row('selfsubjectreviews', '', 'authentication.k8s.io', false, 'SelfSubjectReview'),
  row('selfsubjectaccessreviews', '', 'authorization.k8s.io', false, 'SelfSubjectAccessReview'),
  row('selfsubjectrulesreviews', '', 'authorization.k8s.io', false, 'SelfSubjectRulesReview'),
];

describe('api-resources as the apiserver lists them', () => {
  it.each(RESOURCE_TYPES.map((t) => [t.resource, t] as const))('%s: the real name, short names, scope, group, category and singular name', (_name, t) => {
    const real = REAL.find((r) => r.kind === t.kind && r.group === t.group);
    expect(real, `${t.kind}: add the real apiserver's row to this test`).toBeDefined();
    expect({ name: t.resource, shortNames: t.shortNames, namespaced: t.namespaced, all: t.inAll })
      .toEqual({ name: real!.name, shortNames: real!.shortNames, namespaced: real!.namespaced, all: real!.all });
    // the apiserver's singular name is the lower-cased kind
    expect(t.singular).toBe(t.kind.toLowerCase());
  });

  it('every resource discovery serves (beyond the kinds table too) is listed as a real apiserver lists it', () => {
    for (const gv of servedGroupVersions().filter((g) => g.group !== 'extensions')) {
      for (const r of gv.resources.filter((x) => !x.name.includes('/'))) {
        const real = REAL.find((x) => x.name === r.name && x.group === gv.group);
        expect(real, `${gv.group}/${gv.version} ${r.name}`).toBeDefined();
        expect({ kind: r.kind, namespaced: r.namespaced, shortNames: r.shortNames ?? [], categories: r.categories ?? [] }, r.name)
          .toEqual({ kind: real!.kind, namespaced: real!.namespaced, shortNames: real!.shortNames, categories: real!.all ? ['all'] : [] });
      }
    }
  });
});
