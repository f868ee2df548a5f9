// The admission steps every object goes through, whether it comes from a YAML file or a JSON request:
// kind/version → schema (types, unknown fields) → privileged settings of every pod spec the kind carries
// (pod-templates.ts) → legacy conversion → defaults → validation. Every served kind, on every write.
// Results are location-free issues; parse.ts adds file:line, admit.ts turns them into API errors.
import type {
  ConfigMap, ControllerRevision, CronJob, DaemonSet, Deployment, Endpoints, Event, HorizontalPodAutoscaler, Job, Lease, Namespace, Node, PersistentVolume,
  PersistentVolumeClaim, Pod, PodDisruptionBudget, ReplicaSet, Secret, Service, ServiceAccount, StatefulSet, StorageClass,
} from '../kube/types.js';
import type { KubeObject } from '../store/store.js';
import { MAX_DEPTH, type LegacyDeploymentVersion, type SupportedKind } from './constants.js';
import { setDefaults } from '../kube/defaults.js';
import { FieldPath } from './field-path.js';
import { formatFieldError, type FieldError } from './field-errors.js';
import { convertLegacyDeployment } from './legacy.js';
import { rootTypeFor } from './schema/index.js';
import { podSpecsOf } from './pod-templates.js';
import { privilegedSettings } from './security.js';
import { unimplementedInPodSpecs } from './unimplemented.js';
import { legacyWarning, noMatchesForLegacy, resolveTypeMeta } from './type-meta.js';
import { checkSchema, isPlainObject } from './unknown-fields.js';
import { validateEndpoints, validateEvent, validateNamespace } from './validate-cluster-objects.js';
import { foldStringData, validateConfigMap, validateSecret } from './validate-config-data.js';
import { validateDeployment } from './validate-deployment.js';
import { validatePod } from './validate-pod.js';
import { validateReplicaSet } from './validate-replicaset.js';
import { validateService } from './validate-service.js';
import { validateNode, validateServiceAccount } from './validate-node-sa.js';
import { generateJobSelector } from '../kube/job.js';
import { validateControllerRevision, validateCronJob, validateDaemonSet, validateJob } from './validate-workloads.js';
import { validatePersistentVolume, validatePersistentVolumeClaim, validateStorageClass } from './validate-storage.js';
import { validateStatefulSet } from './validate-statefulset.js';
import { validateHorizontalPodAutoscaler } from './validate-hpa.js';
import { HPA_V1, hpaFromV1 } from '../kube/hpa.js';
import { validateLease, validatePodDisruptionBudget } from './validate-policy.js';

export interface AdmitOptions {
  /** accept privileged containers, host namespaces, hostPath volumes and low hostPorts */
  allowPrivileged?: boolean;
  /** behave like a current real cluster: legacy apiVersions and unknown fields are errors */
  strict?: boolean;
}

export type IssueCode =
  | 'not-object' | 'too-deep' | 'type-meta' | 'legacy' | 'schema' | 'unknown-field' | 'privileged' | 'invalid'
  | 'unimplemented';

export interface AdmissionIssue {
  severity: 'error' | 'warning';
  code: IssueCode;
  /** the text without any file location, e.g. `spec.replicas: Invalid value: -1: must be ...` */
  message: string;
  /** the field the issue is about, for finding its line */
  path?: FieldPath;
  fieldError?: FieldError;
  hint?: string;
}

export interface AdmissionResult {
  /** the converted, defaulted object; only when there is no error */
  object?: KubeObject;
  kind?: SupportedKind;
  /** the apiVersion the input claimed */
  apiVersion?: string;
  name?: string;
  issues: AdmissionIssue[];
}

export function runAdmission(input: unknown, opts: AdmitOptions = {}): AdmissionResult {
  const issues: AdmissionIssue[] = [];
  const error = (code: IssueCode, message: string, path?: FieldPath, hint?: string) =>
    issues.push({ severity: 'error', code, message, path, hint });

  if (!isPlainObject(input)) {
    error('not-object', `a manifest must be a mapping (apiVersion, kind, metadata, spec), not ${describe(input)}`);
    return { issues };
  }
  const deep = tooDeepAt(input);
  if (deep) {
    error('too-deep', `the object nests deeper than ${MAX_DEPTH} levels, which no Kubernetes object does`, deep);
    return { issues };
  }
  // autoscaling/v1 is HorizontalPodAutoscaler's other served version: read as the v2 object it stands for
  let obj = structuredClone(input) as Record<string, unknown>;
  if (obj.kind === 'HorizontalPodAutoscaler' && obj.apiVersion === HPA_V1) obj = hpaFromV1(obj);
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? meta.generateName : undefined;

  const tm = resolveTypeMeta(obj.apiVersion, obj.kind);
  if (!tm.ok) {
    error('type-meta', tm.message, FieldPath.of(tm.field), tm.hint);
    return { issues, name };
  }
  const result: AdmissionResult = { kind: tm.kind, apiVersion: tm.apiVersion, name, issues };
  if (tm.legacy && opts.strict) {
    const m = noMatchesForLegacy(tm.kind, tm.legacy);
    error('type-meta', m.message, FieldPath.of('apiVersion'), m.hint);
    return result;
  }

  const schema = checkSchema(obj, rootTypeFor(tm.kind, tm.legacy !== undefined));
  for (const u of schema.unknown) {
    issues.push({
      severity: opts.strict ? 'error' : 'warning', code: 'unknown-field',
      message: `unknown field "${u.path.toString()}"`, path: u.path, hint: u.hint,
    });
  }
  for (const e of schema.errors) issues.push(fieldIssue('schema', e));
  if (schema.errors.length) return result;

  if (!opts.allowPrivileged) {
    for (const at of podSpecsOf(tm.kind, obj)) for (const e of privilegedSettings(at.spec, at.path)) issues.push(fieldIssue('privileged', e));
  }

  if (tm.legacy) {
    const conv = convertLegacyDeployment(obj, tm.legacy as LegacyDeploymentVersion);
    issues.push({ severity: 'warning', code: 'legacy', message: legacyWarning(tm.kind, name, tm.legacy), path: FieldPath.of('apiVersion') });
    for (const note of conv.notes) issues.push({ severity: 'warning', code: 'legacy', message: note, path: FieldPath.of('spec') });
  }

  // Read as written (before defaults), reported once the object is otherwise valid: what is wrong
  // first, then what mini-kube does not do (pod-fields.ts, docs/decisions/122-implemented-fields-list.md).
  const unimplemented = unimplementedInPodSpecs(tm.kind, obj);

  const object = obj as KubeObject;
  if (tm.kind === 'Secret') foldStringData(object as Secret);
  setDefaults(object);
  if (tm.kind === 'Job') generateJobSelector(object as Job);
  const invalid = VALIDATORS[tm.kind](object);
  for (const e of invalid) issues.push(fieldIssue('invalid', e));
  if (!issues.some((i) => i.severity === 'error')) {
    for (const e of unimplemented.errors) issues.push(fieldIssue('unimplemented', e));
    for (const w of unimplemented.warnings) issues.push({ severity: 'warning', code: 'unimplemented', message: w.message, path: w.path });
  }

  if (!issues.some((i) => i.severity === 'error')) result.object = object;
  return result;
}

/** One validator per kind: a Record, so a kind without one does not compile. */
const VALIDATORS: Record<SupportedKind, (obj: KubeObject) => FieldError[]> = {
  Deployment: (o) => validateDeployment(o as Deployment),
  Pod: (o) => validatePod(o as Pod),
  Service: (o) => validateService(o as Service),
  ReplicaSet: (o) => validateReplicaSet(o as ReplicaSet),
  Namespace: (o) => validateNamespace(o as Namespace),
  Endpoints: (o) => validateEndpoints(o as Endpoints),
  Event: (o) => validateEvent(o as Event),
  ConfigMap: (o) => validateConfigMap(o as ConfigMap),
  Secret: (o) => validateSecret(o as Secret),
  ServiceAccount: (o) => validateServiceAccount(o as ServiceAccount),
  Node: (o) => validateNode(o as Node),
  Job: (o) => validateJob(o as Job),
  CronJob: (o) => validateCronJob(o as CronJob),
  DaemonSet: (o) => validateDaemonSet(o as DaemonSet),
  PersistentVolumeClaim: (o) => validatePersistentVolumeClaim(o as PersistentVolumeClaim),
  PersistentVolume: (o) => validatePersistentVolume(o as PersistentVolume),
  StorageClass: (o) => validateStorageClass(o as StorageClass),
  StatefulSet: (o) => validateStatefulSet(o as StatefulSet),
  ControllerRevision: (o) => validateControllerRevision(o as ControllerRevision),
  HorizontalPodAutoscaler: (o) => validateHorizontalPodAutoscaler(o as HorizontalPodAutoscaler),
  Lease: (o) => validateLease(o as Lease),
  PodDisruptionBudget: (o) => validatePodDisruptionBudget(o as PodDisruptionBudget),
};

function fieldIssue(code: IssueCode, e: FieldError): AdmissionIssue {
  return { severity: 'error', code, message: formatFieldError(e), path: e.at ?? e.path, fieldError: e };
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v} (${JSON.stringify(v).slice(0, 40)})`;
}

/** Iterative, so hostile depth cannot overflow the stack; returns where the limit was crossed. */
function tooDeepAt(root: unknown): FieldPath | undefined {
  const stack: [unknown, number, FieldPath][] = [[root, 1, FieldPath.root()]];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_DEPTH) return path;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, depth + 1, path.index(i)]));
    else for (const [k, x] of Object.entries(v)) stack.push([x, depth + 1, path.child(k)]);
  }
  return undefined;
}
