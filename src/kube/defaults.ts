// Kubernetes' defaulting (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go), applied before
// validation exactly as the apiserver does, so `get -o yaml` shows the same filled-in fields.
import type {
  Container, CronJob, DaemonSet, Deployment, Job, PersistentVolume, PersistentVolumeClaim, Pod, PodSpec, Probe, ReplicaSet, Service,
  StatefulSet, StorageClass,
} from './types.js';
import { STS_DEFAULTS } from './statefulset.js';
import type { KubeObject } from './types.js';
import { byKind } from './kinds.js';
import { defaultHorizontalPodAutoscaler } from './hpa.js';
import type { HorizontalPodAutoscaler } from './types.js';

/**
 * apps/v1's default values, named so that code reading an object that may have skipped defaulting (the
 * controllers' accessors, the printers) uses these very values. Kubernetes defaults only a missing field
 * here: replicas: 0 stays 0 (pointer fields), unlike the probe counts below, where 0 means unset.
 */
export const APPS_DEFAULTS = {
  replicas: 1,
  strategyType: 'RollingUpdate',
  maxSurge: '25%',
  maxUnavailable: '25%',
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
  minReadySeconds: 0,
} as const;

/** A defaulted copy of `obj`; the input is not changed. Unknown kinds only get a namespace. */
export function applyDefaults(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  setDefaults(copy);
  return copy;
}

/** Defaults `obj` in place. */
export function setDefaults(obj: KubeObject): void {
  obj.metadata ??= {};
  // cluster-scoped kinds (Namespace, Node) have no namespace
  if (byKind(String(obj.kind))?.namespaced !== false && !obj.metadata.namespace) obj.metadata.namespace = 'default';
  switch (obj.kind) {
    case 'Pod': defaultPod(obj as Pod); break;
    case 'Deployment': defaultDeployment(obj as Deployment); break;
    case 'ReplicaSet': defaultReplicaSet(obj as ReplicaSet); break;
    case 'Service': defaultService(obj as Service); break;
    case 'Job': defaultJob(obj as Job); break;
    case 'CronJob': defaultCronJob(obj as CronJob); break;
    case 'DaemonSet': defaultDaemonSet(obj as DaemonSet); break;
    case 'StatefulSet': defaultStatefulSet(obj as StatefulSet); break;
    case 'PersistentVolumeClaim': defaultClaim(obj as PersistentVolumeClaim); break;
    case 'PersistentVolume': defaultPersistentVolume(obj as PersistentVolume); break;
    case 'StorageClass': defaultStorageClass(obj as StorageClass); break;
    case 'HorizontalPodAutoscaler': defaultHorizontalPodAutoscaler(obj as HorizontalPodAutoscaler); break;
  }
}

function defaultPod(pod: Pod): void {
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  // SetDefaults_Pod (pods only, not templates): requests default to limits; service links on.
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    c.resources!.requests ??= {};
    for (const [k, v] of Object.entries(limits)) if (!(k in c.resources!.requests)) c.resources!.requests[k] = v;
  }
  spec.enableServiceLinks ??= true;
  defaultPodSpec(spec);
}

export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  for (const v of spec.volumes ?? []) {
    const rec = v as Record<string, unknown>;
    if (Object.keys(rec).every((k) => k === 'name')) v.emptyDir = {};
    if (v.configMap) v.configMap.defaultMode ??= 420;
    if (v.secret) v.secret.defaultMode ??= 420;
    if (v.downwardAPI) v.downwardAPI.defaultMode ??= 420;
    if (v.projected) v.projected.defaultMode ??= 420;
    // SetDefaults_ObjectFieldSelector and SetDefaults_ServiceAccountTokenProjection (one hour)
    for (const f of [...v.downwardAPI?.items ?? [], ...(v.projected?.sources ?? []).flatMap((s) => s.downwardAPI?.items ?? [])]) {
      if (f.fieldRef) f.fieldRef.apiVersion ||= 'v1';
    }
    for (const s of v.projected?.sources ?? []) if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
    if (v.hostPath) v.hostPath.type ??= '';
  }
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
}

export function defaultContainer(c: Container): void {
  c.imagePullPolicy ||= imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ||= 'TCP';
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ||= 'v1';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const h of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (h?.httpGet) defaultHTTPGet(h.httpGet);
}

function defaultProbe(p: Probe): void {
  // Zero means "unset" for these four, so a 0 becomes the default too.
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  if (p.httpGet) defaultHTTPGet(p.httpGet);
}

function defaultHTTPGet(g: { path?: string; scheme?: string }): void {
  g.path ||= '/';
  g.scheme ||= 'HTTP';
}

/**
 * The tag as docker/distribution's reference parser sees it: "latest" when the image has neither tag nor
 * digest, "" when it has only a digest. A ':' before the last '/' belongs to a registry host:port.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultDeployment(d: Deployment): void {
  d.spec ??= { selector: {}, template: {} };
  const spec = d.spec;
  spec.replicas ??= APPS_DEFAULTS.replicas;
  spec.strategy ??= {};
  spec.strategy.type ||= APPS_DEFAULTS.strategyType;
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= APPS_DEFAULTS.maxUnavailable;
    spec.strategy.rollingUpdate.maxSurge ??= APPS_DEFAULTS.maxSurge;
  }
  spec.revisionHistoryLimit ??= APPS_DEFAULTS.revisionHistoryLimit;
  spec.progressDeadlineSeconds ??= APPS_DEFAULTS.progressDeadlineSeconds;
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

function defaultReplicaSet(rs: ReplicaSet): void {
  if (!rs.spec) return;
  rs.spec.replicas ??= APPS_DEFAULTS.replicas;
  if (rs.spec.template?.spec) defaultPodSpec(rs.spec.template.spec);
}

function defaultService(svc: Service): void {
  svc.spec ??= {};
  const spec = svc.spec;
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  spec.type ||= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.externalIPs?.length ?? 0) > 0;
  if (external) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** batch/v1 and DaemonSet default values (pkg/apis/batch/v1/defaults.go, apps/v1/defaults.go). */
export const BATCH_DEFAULTS = {
  backoffLimit: 6,
  /** with backoffLimitPerIndex the job-wide limit is effectively off */
  backoffLimitWithPerIndex: 2147483647,
  concurrencyPolicy: 'Allow',
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
  daemonSetMaxUnavailable: 1,
  daemonSetMaxSurge: 0,
} as const;

/** SetDefaults_Job. The generated selector and its labels are the apiserver's strategy (job-selector.ts). */
function defaultJob(job: Job): void {
  job.spec ??= { template: {} };
  const spec = job.spec;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? BATCH_DEFAULTS.backoffLimitWithPerIndex : BATCH_DEFAULTS.backoffLimit;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata?.labels ?? {}).length === 0) job.metadata!.labels = { ...templateLabels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const p of rule.onPodConditions ?? []) p.status ||= 'True';
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

/** SetDefaults_CronJob; the job template's pod spec gets the pod-spec defaults, its JobSpec none. */
function defaultCronJob(cj: CronJob): void {
  cj.spec ??= { schedule: '', jobTemplate: {} };
  const spec = cj.spec;
  spec.concurrencyPolicy ||= BATCH_DEFAULTS.concurrencyPolicy;
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= BATCH_DEFAULTS.successfulJobsHistoryLimit;
  spec.failedJobsHistoryLimit ??= BATCH_DEFAULTS.failedJobsHistoryLimit;
  const podSpec = spec.jobTemplate?.spec?.template?.spec;
  if (podSpec) defaultPodSpec(podSpec);
}

/** SetDefaults_DaemonSet. */
function defaultDaemonSet(ds: DaemonSet): void {
  ds.spec ??= { selector: {}, template: {} };
  const spec = ds.spec;
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ||= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= BATCH_DEFAULTS.daemonSetMaxUnavailable;
    spec.updateStrategy.rollingUpdate.maxSurge ??= BATCH_DEFAULTS.daemonSetMaxSurge;
  }
  spec.revisionHistoryLimit ??= APPS_DEFAULTS.revisionHistoryLimit;
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

/** SetDefaults_StatefulSet (apps/v1). */
function defaultStatefulSet(sts: StatefulSet): void {
  if (!sts.spec) return;
  const spec = sts.spec;
  spec.replicas ??= APPS_DEFAULTS.replicas;
  spec.podManagementPolicy ||= STS_DEFAULTS.podManagementPolicy;
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ||= STS_DEFAULTS.updateStrategyType;
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= STS_DEFAULTS.partition;
  }
  spec.revisionHistoryLimit ??= STS_DEFAULTS.revisionHistoryLimit;
  spec.persistentVolumeClaimRetentionPolicy ??= {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ||= STS_DEFAULTS.retention;
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ||= STS_DEFAULTS.retention;
  for (const c of spec.volumeClaimTemplates ?? []) {
    // the templates are claims: apiVersion/kind and volumeMode as the apiserver fills them in
    c.apiVersion ??= 'v1';
    c.kind ??= 'PersistentVolumeClaim';
    if (c.spec) c.spec.volumeMode ||= 'Filesystem';
  }
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

function defaultClaim(pvc: PersistentVolumeClaim): void {
  pvc.spec ??= {};
  pvc.spec.volumeMode ||= 'Filesystem';
}

function defaultPersistentVolume(pv: PersistentVolume): void {
  pv.spec ??= {};
  pv.spec.persistentVolumeReclaimPolicy ||= 'Retain';
  pv.spec.volumeMode ||= 'Filesystem';
}

function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ||= 'Delete';
  sc.volumeBindingMode ||= 'Immediate';
}
