// The defaults a real apiserver writes into every object (pkg/apis/*/v1/defaults.go, plus the Priority
// and ServiceAccount admission plugins). kubectl's printers read objects that always carry them, so a
// field left out of a mini-kube manifest must print as the default ("timeout=1s", "80/TCP",
// "25% max unavailable"), not as Go's zero value. Printers apply these to a copy; stored objects are
// not changed here.
import type { Container, Deployment, Pod, PodTemplateSpec, Probe, ReplicaSet, Service } from '../kube/types.js';

export function defaultProbe(probe: Probe): Probe {
  const p: Probe = {
    ...probe,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    periodSeconds: probe.periodSeconds ?? 10,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
  if (p.httpGet) p.httpGet = { ...p.httpGet, path: p.httpGet.path || '/', scheme: p.httpGet.scheme || 'HTTP' };
  if (p.grpc) p.grpc = { ...p.grpc, service: p.grpc.service ?? '' };
  return p;
}

export function defaultContainer(c: Container): Container {
  const out: Container = { ...c };
  if (c.ports) out.ports = c.ports.map((p) => ({ ...p, protocol: p.protocol || 'TCP' }));
  if (c.livenessProbe) out.livenessProbe = defaultProbe(c.livenessProbe);
  if (c.readinessProbe) out.readinessProbe = defaultProbe(c.readinessProbe);
  if (c.startupProbe) out.startupProbe = defaultProbe(c.startupProbe);
  return out;
}

function defaultTemplate(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const tpl: PodTemplateSpec = { ...(t ?? {}) };
  if (tpl.spec) {
    tpl.spec = {
      ...tpl.spec,
      containers: (tpl.spec.containers ?? []).map(defaultContainer),
      ...(tpl.spec.initContainers ? { initContainers: tpl.spec.initContainers.map(defaultContainer) } : {}),
    };
  }
  return tpl;
}

export function defaultPod(pod: Pod): Pod {
  const spec = pod.spec ?? { containers: [] };
  return {
    ...pod,
    spec: {
      ...spec,
      // Admission: Priority sets 0 without a priorityClassName; ServiceAccount sets "default".
      priority: spec.priority ?? 0,
      serviceAccountName: spec.serviceAccountName || spec.serviceAccount || 'default',
      containers: (spec.containers ?? []).map(defaultContainer),
      ...(spec.initContainers ? { initContainers: spec.initContainers.map(defaultContainer) } : {}),
    },
  };
}

export function defaultDeployment(d: Deployment): Deployment {
  const spec = d.spec ?? { selector: {}, template: {} };
  const strategy = spec.strategy?.type === 'Recreate'
    ? { type: 'Recreate' }
    : {
        type: 'RollingUpdate',
        rollingUpdate: {
          maxUnavailable: spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
          maxSurge: spec.strategy?.rollingUpdate?.maxSurge ?? '25%',
        },
      };
  return {
    ...d,
    spec: { ...spec, replicas: spec.replicas ?? 1, minReadySeconds: spec.minReadySeconds ?? 0, strategy, template: defaultTemplate(spec.template) },
  };
}

export function defaultReplicaSet(rs: ReplicaSet): ReplicaSet {
  const spec = rs.spec ?? { selector: {} };
  return { ...rs, spec: { ...spec, replicas: spec.replicas ?? 1, template: defaultTemplate(spec.template) } };
}

export function defaultService(svc: Service): Service {
  const spec = { ...(svc.spec ?? {}) };
  const type = spec.type || 'ClusterIP';
  spec.type = type;
  spec.sessionAffinity = spec.sessionAffinity || 'None';
  spec.ports = (spec.ports ?? []).map((p) => ({ ...p, protocol: p.protocol || 'TCP', targetPort: p.targetPort ?? p.port }));
  if (type !== 'ExternalName') {
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    spec.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
    if (!spec.ipFamilies?.length) spec.ipFamilies = ['IPv4'];
    spec.internalTrafficPolicy = spec.internalTrafficPolicy ?? 'Cluster';
  }
  if ((type === 'NodePort' || type === 'LoadBalancer') && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  return { ...svc, spec };
}
