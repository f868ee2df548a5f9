// What a real apiserver's objects always carry, for printers that read objects which may not (a manifest
// read by the CLI, an object from before a default existed): Kubernetes' defaulting itself, from its one
// home in src/kube/defaults.ts (so a 0 that Kubernetes replaces prints as the default here too), plus
// what admission and allocation add (priority, service account, IP families) and the Go zero values
// kubectl prints for fields left out ("delay=0s"). Printers apply these to a copy; stored objects are
// not changed here.
import { applyDefaults } from '../kube/defaults.js';
import type { Container, Deployment, Pod, PodTemplateSpec, Probe, ReplicaSet, Service } from '../kube/types.js';

/** Go's zero values of the probe fields Kubernetes leaves without a default. */
function probeZeroValues(p: Probe): void {
  p.initialDelaySeconds ??= 0;
  if (p.grpc) p.grpc.service ??= '';
}

function containerZeroValues(c: Container): void {
  for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (p) probeZeroValues(p);
}

function templateZeroValues(t: PodTemplateSpec | undefined): void {
  for (const c of [...(t?.spec?.initContainers ?? []), ...(t?.spec?.containers ?? [])]) containerZeroValues(c);
}

export function defaultPod(input: Pod): Pod {
  const pod = applyDefaults({ kind: 'Pod', ...input }) as Pod;
  const spec = pod.spec!;
  // Admission: Priority sets 0 without a priorityClassName; ServiceAccount sets "default".
  spec.priority ??= 0;
  spec.serviceAccountName = spec.serviceAccountName || spec.serviceAccount || 'default';
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) containerZeroValues(c);
  return pod;
}

export function defaultDeployment(input: Deployment): Deployment {
  const d = applyDefaults({ kind: 'Deployment', ...input }) as Deployment;
  d.spec!.minReadySeconds ??= 0;
  templateZeroValues(d.spec!.template);
  return d;
}

export function defaultReplicaSet(input: ReplicaSet): ReplicaSet {
  const rs = applyDefaults({ kind: 'ReplicaSet', ...input, spec: input.spec ?? { selector: {} } }) as ReplicaSet;
  templateZeroValues(rs.spec!.template);
  return rs;
}

export function defaultService(input: Service): Service {
  const svc = applyDefaults({ kind: 'Service', ...input }) as Service;
  const spec = svc.spec!;
  // Allocation: a ClusterIP Service's IP families and the clusterIPs list that mirrors clusterIP.
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    spec.ipFamilyPolicy ??= 'SingleStack';
    if (!spec.ipFamilies?.length) spec.ipFamilies = ['IPv4'];
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  return svc;
}
