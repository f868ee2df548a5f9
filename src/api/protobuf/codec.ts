// The Kubernetes protobuf content type (application/vnd.kubernetes.protobuf), both ways, for the kinds
// mini-kube serves. On the wire: the 4 bytes "k8s\0", then a runtime.Unknown whose typeMeta names the
// apiVersion and kind and whose raw holds the kind's own message (which carries no apiVersion/kind).
// Decoding produces the object the JSON path would have read (Go's JSON of the same struct), so that
// admission, the security gate and defaulting never know which content type a client used.
// Loaded only when a protobuf request arrives (lazy.ts): the descriptor and protobufjs cost ~10 ms.
import protobuf from 'protobufjs/light.js';
import { StatusError } from '../../kube/errors.js';
import { K8S_DESCRIPTOR } from './k8s-descriptor.generated.js';
import { EMBEDDED_FIELDS } from './embedded-fields.js';

type Type = protobuf.Type;
type Json = Record<string, unknown>;

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const root = protobuf.Root.fromJSON(K8S_DESCRIPTOR as protobuf.INamespace);
root.resolveAll();

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.';
const CORE = 'k8s.io.api.core.v1.';
const APPS = 'k8s.io.api.apps.v1.';
const UNKNOWN = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
const WATCH_EVENT = root.lookupType(`${META}WatchEvent`);

/** apiVersion -> kind -> message: what may be decoded and encoded. */
const MESSAGES: Record<string, Record<string, string>> = {
  v1: Object.fromEntries([
    ...['Pod', 'Service', 'Endpoints', 'Namespace', 'ConfigMap', 'Secret', 'Event', 'ServiceAccount', 'Node', 'ResourceQuota', 'PersistentVolumeClaim', 'PersistentVolume'].flatMap((k) => [[k, CORE + k], [`${k}List`, `${CORE}${k}List`]]),
    ['Status', `${META}Status`],
  ]),
  'apps/v1': Object.fromEntries(['Deployment', 'ReplicaSet', 'DaemonSet', 'ControllerRevision', 'StatefulSet'].flatMap((k) => [[k, APPS + k], [`${k}List`, `${APPS}${k}List`]])),
  'batch/v1': Object.fromEntries(['Job', 'CronJob'].flatMap((k) => [[k, `k8s.io.api.batch.v1.${k}`], [`${k}List`, `k8s.io.api.batch.v1.${k}List`]])),
  'autoscaling/v1': {
    Scale: 'k8s.io.api.autoscaling.v1.Scale',
    HorizontalPodAutoscaler: 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler', HorizontalPodAutoscalerList: 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerList',
  },
  'autoscaling/v2': { HorizontalPodAutoscaler: 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler', HorizontalPodAutoscalerList: 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerList' },
  'discovery.k8s.io/v1': { EndpointSlice: 'k8s.io.api.discovery.v1.EndpointSlice', EndpointSliceList: 'k8s.io.api.discovery.v1.EndpointSliceList' },
  // kubectl create token, auth whoami, auth can-i, drain: the bodies of those APIs, for whoever serves them
  'authentication.k8s.io/v1': { TokenRequest: 'k8s.io.api.authentication.v1.TokenRequest', SelfSubjectReview: 'k8s.io.api.authentication.v1.SelfSubjectReview' },
  'authorization.k8s.io/v1': {
    SelfSubjectAccessReview: 'k8s.io.api.authorization.v1.SelfSubjectAccessReview', SelfSubjectRulesReview: 'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  },
  'policy/v1': {
    Eviction: 'k8s.io.api.policy.v1.Eviction',
    PodDisruptionBudget: 'k8s.io.api.policy.v1.PodDisruptionBudget', PodDisruptionBudgetList: 'k8s.io.api.policy.v1.PodDisruptionBudgetList',
  },
  'storage.k8s.io/v1': { StorageClass: 'k8s.io.api.storage.v1.StorageClass', StorageClassList: 'k8s.io.api.storage.v1.StorageClassList' },
};

/** Kinds every group/version carries (client-go sends DeleteOptions under the resource's group/version). */
const ANY_VERSION: Record<string, string> = { DeleteOptions: `${META}DeleteOptions`, Status: `${META}Status` };

function messageFor(apiVersion: string, kind: string): Type | undefined {
  const name = MESSAGES[apiVersion]?.[kind] ?? ANY_VERSION[kind];
  return name ? root.lookupType(name) : undefined;
}

/** The kinds this codec reads, for the 415 message. */
export function supportedKinds(): string[] {
  return Object.entries(MESSAGES).flatMap(([v, kinds]) => Object.keys(kinds).filter((k) => !k.endsWith('List')).map((k) => `${v} ${k}`));
}

// Messages with a JSON form of their own (their MarshalJSON in Go).
const TIME = `${META}Time`;
const MICRO_TIME = `${META}MicroTime`;
const DURATION = `${META}Duration`;
const FIELDS_V1 = `${META}FieldsV1`;
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';

/**
 * Go writes every non-pointer field, zero or not, and a pointer field only when set; JSON omits the
 * zero of most non-pointer fields (omitempty), and Go reads an absent field as its zero. So a zero
 * number or false is dropped, which is what the JSON path would have seen, except for these pointer
 * fields (and ScaleSpec.replicas, which the scale handler reads), where 0 or false means something
 * other than "unset" (replicas: 0, runAsUser: 0, automountServiceAccountToken: false...).
 */
const ZERO_MEANS_SOMETHING = new Set([
  'PodSpec.terminationGracePeriodSeconds', 'PodSpec.activeDeadlineSeconds', 'PodSpec.automountServiceAccountToken',
  'PodSpec.shareProcessNamespace', 'PodSpec.priority', 'PodSpec.enableServiceLinks', 'PodSpec.setHostnameAsFQDN', 'PodSpec.hostUsers',
  'PodSecurityContext.runAsUser', 'PodSecurityContext.runAsGroup', 'PodSecurityContext.runAsNonRoot', 'PodSecurityContext.fsGroup',
  'SecurityContext.runAsUser', 'SecurityContext.runAsGroup', 'SecurityContext.runAsNonRoot', 'SecurityContext.privileged',
  'SecurityContext.readOnlyRootFilesystem', 'SecurityContext.allowPrivilegeEscalation', 'WindowsSecurityContextOptions.hostProcess',
  'Probe.terminationGracePeriodSeconds', 'Toleration.tolerationSeconds', 'TopologySpreadConstraint.minDomains',
  'ConfigMapVolumeSource.defaultMode', 'SecretVolumeSource.defaultMode', 'ProjectedVolumeSource.defaultMode', 'DownwardAPIVolumeSource.defaultMode',
  'ConfigMapVolumeSource.optional', 'SecretVolumeSource.optional', 'KeyToPath.mode', 'DownwardAPIVolumeFile.mode',
  'ConfigMapKeySelector.optional', 'SecretKeySelector.optional', 'ConfigMapEnvSource.optional', 'SecretEnvSource.optional',
  'ConfigMapProjection.optional', 'SecretProjection.optional', 'ServiceAccountTokenProjection.expirationSeconds',
  'ConfigMap.immutable', 'Secret.immutable', 'ServiceSpec.allocateLoadBalancerNodePorts', 'ClientIPConfig.timeoutSeconds',
  'DeploymentSpec.replicas', 'DeploymentSpec.revisionHistoryLimit', 'DeploymentSpec.progressDeadlineSeconds', 'ReplicaSetSpec.replicas',
  'DeploymentStatus.collisionCount', 'ObjectMeta.deletionGracePeriodSeconds', 'OwnerReference.controller', 'OwnerReference.blockOwnerDeletion',
  'DeleteOptions.gracePeriodSeconds', 'DeleteOptions.orphanDependents', 'ListMeta.remainingItemCount',
  'EndpointConditions.ready', 'EndpointConditions.serving', 'EndpointConditions.terminating', 'EndpointPort.port',
  'ScaleSpec.replicas', 'ServiceAccount.automountServiceAccountToken', 'TokenRequestSpec.expirationSeconds',
  // batch/v1 and DaemonSet pointers: backoffLimit: 0 is "no retries", ttlSecondsAfterFinished: 0 "delete at once",
  // a history limit of 0 "keep none", suspend: false "resume".
  'JobSpec.parallelism', 'JobSpec.completions', 'JobSpec.activeDeadlineSeconds', 'JobSpec.backoffLimit', 'JobSpec.backoffLimitPerIndex',
  'JobSpec.maxFailedIndexes', 'JobSpec.ttlSecondsAfterFinished', 'JobSpec.manualSelector', 'JobSpec.suspend',
  'JobStatus.ready', 'JobStatus.terminating',
  'CronJobSpec.startingDeadlineSeconds', 'CronJobSpec.suspend', 'CronJobSpec.successfulJobsHistoryLimit', 'CronJobSpec.failedJobsHistoryLimit',
  'DaemonSetSpec.revisionHistoryLimit', 'DaemonSetStatus.collisionCount',
  'StatefulSetSpec.replicas', 'StatefulSetSpec.revisionHistoryLimit', 'RollingUpdateStatefulSetStrategy.partition', 'StatefulSetOrdinals.start',
  'StatefulSetStatus.collisionCount', 'StorageClass.allowVolumeExpansion',
  'HPAScalingRules.stabilizationWindowSeconds', 'HorizontalPodAutoscalerSpec.minReplicas', 'MetricTarget.averageUtilization',
  'HorizontalPodAutoscalerSpec.targetCPUUtilizationPercentage',
]);

/** IntOrString fields that are not pointers: the zero value (0) is "unset" (the apiserver defaults it). */
const ZERO_INT_OR_STRING_UNSET = new Set(['ServicePort.targetPort']);

/** Embedded structs (Go `json:",inline"`): a message field in protobuf, their fields at the parent's level in JSON. */
const INLINE = EMBEDDED_FIELDS;

// ---------------------------------------------------------------- protobuf -> JSON

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function messageToJson(type: Type, m: Json): Json {
  const out: Json = {};
  for (const f of type.fieldsArray) {
    const v = m[f.name];
    if (v === undefined || v === null) continue;
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const conv = (x: unknown) => (sub ? valueToJson(sub, x as Json) : x);
    const key = `${type.name}.${f.name}`;
    if (f.map) {
      out[f.name] = Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, conv(x)]));
    } else if (f.repeated) {
      out[f.name] = (v as unknown[]).map(conv);
    } else if (INLINE.has(key)) {
      Object.assign(out, conv(v));
    } else {
      const j = conv(v);
      if (j === undefined) continue;
      if (!sub && isZero(j) && !(ZERO_MEANS_SOMETHING.has(key) && j !== '')) continue;
      if (j === 0 && ZERO_INT_OR_STRING_UNSET.has(key)) continue;
      out[f.name] = j;
    }
  }
  return out;
}

function valueToJson(type: Type, m: Json): unknown {
  switch (type.fullName.slice(1)) {
    case TIME: return timeToJson(m, false);
    case MICRO_TIME: return timeToJson(m, true);
    case DURATION: return goDuration(Number(m['duration'] ?? 0));
    case QUANTITY: return String(m['string'] ?? '');
    case INT_OR_STRING: return Number(m['type'] ?? 0) === 1 ? String(m['strVal'] ?? '') : Number(m['intVal'] ?? 0);
    case RAW_EXTENSION: return rawJson(m['raw']);
    case FIELDS_V1: return rawJson(m['Raw']);
    default: return messageToJson(type, m);
  }
}

/** Go's Time marshals as RFC 3339 in seconds (MicroTime: microseconds); the zero Time as null (dropped). */
function timeToJson(m: Json, micro: boolean): string | undefined {
  const seconds = Number(m['seconds'] ?? 0);
  const nanos = Number(m['nanos'] ?? 0);
  if (seconds === 0 && nanos === 0) return undefined;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new StatusError(400, 'BadRequest', `a timestamp in the protobuf body is out of range: ${seconds} s`);
  const base = date.toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

function rawJson(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw === '') return undefined;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new StatusError(400, 'BadRequest', `an embedded object (RawExtension) in the protobuf body is not JSON: ${text.slice(0, 80)}`);
  }
}

/** metav1.Duration's JSON: Go's time.Duration.String() ("1m30s", "500ms", "0s"). */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    if (rest < 1e3) return `${sign}${rest}ns`;
    if (rest < 1e6) return `${sign}${trim(rest / 1e3)}µs`;
    return `${sign}${trim(rest / 1e6)}ms`;
  }
  const h = Math.floor(rest / 3.6e12);
  rest -= h * 3.6e12;
  const m = Math.floor(rest / 6e10);
  rest -= m * 6e10;
  const s = `${trim(rest / 1e9)}s`;
  return `${sign}${h ? `${h}h${m}m` : m ? `${m}m` : ''}${s}`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}

function parseGoDuration(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };
  let total = 0;
  for (const [, num, unit] of text.matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(num) * units[unit!]!;
  return Math.round(text.startsWith('-') ? -total : total);
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, bytes: String, defaults: false };

function decodeMessage(type: Type, bytes: Uint8Array): Json {
  try {
    return type.toObject(type.decode(bytes), TO_OBJECT) as Json;
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `the protobuf body is not a valid ${type.name}: ${(err as Error).message}`);
  }
}

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

/** The "k8s\0" + runtime.Unknown envelope. */
export function readEnvelope(body: Buffer): Envelope {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw new StatusError(400, 'BadRequest', `the request body is not a Kubernetes protobuf object: ${PROTOBUF_MEDIA_TYPE} starts with the 4 bytes "k8s\\0"`);
  }
  const u = decodeMessage(UNKNOWN, body.subarray(4));
  const typeMeta = (u['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const encoding = String(u['contentEncoding'] ?? '');
  if (encoding) throw new StatusError(415, 'UnsupportedMediaType', `the protobuf body uses contentEncoding ${JSON.stringify(encoding)}, which mini-kube does not read`);
  return { apiVersion: typeMeta.apiVersion ?? '', kind: typeMeta.kind ?? '', raw: Buffer.from(String(u['raw'] ?? ''), 'base64') };
}

/** A protobuf request body as the JSON object the same request in JSON would have carried. */
export function decodeObject(body: Buffer): Json {
  const env = readEnvelope(body);
  const type = messageFor(env.apiVersion, env.kind);
  if (!type) {
    const gvk = `${env.apiVersion || '(no apiVersion)'}, Kind=${env.kind || '(no kind)'}`;
    throw new StatusError(415, 'UnsupportedMediaType',
      `the protobuf body holds ${gvk}, which mini-kube cannot read as ${PROTOBUF_MEDIA_TYPE}; send it as application/json (mini-kube reads protobuf for: ${supportedKinds().join(', ')})`);
  }
  return { apiVersion: env.apiVersion, kind: env.kind, ...messageToJson(type, decodeMessage(type, env.raw)) };
}

// ---------------------------------------------------------------- JSON -> protobuf

function jsonToMessage(type: Type, json: Json): Json {
  const out: Json = {};
  for (const f of type.fieldsArray) {
    const v = INLINE.has(`${type.name}.${f.name}`) ? json : json[f.name];
    if (v === undefined || v === null) continue;
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const conv = (x: unknown) => (sub ? valueFromJson(sub, x) : x);
    if (f.map) {
      if (typeof v === 'object' && !Array.isArray(v)) out[f.name] = Object.fromEntries(Object.entries(v as Json).filter(([, x]) => x !== null).map(([k, x]) => [k, conv(x)]));
    } else if (f.repeated) {
      if (Array.isArray(v)) out[f.name] = v.filter((x) => x !== null).map(conv);
    } else {
      const m = conv(v);
      if (m !== undefined) out[f.name] = m;
    }
  }
  return out;
}

function valueFromJson(type: Type, v: unknown): unknown {
  switch (type.fullName.slice(1)) {
    case TIME:
    case MICRO_TIME: {
      const ms = Date.parse(String(v));
      if (!Number.isFinite(ms)) return undefined;
      const micro = /\.(\d{1,9})/.exec(String(v))?.[1];
      return { seconds: Math.floor(ms / 1000), nanos: micro ? Number(micro.padEnd(9, '0')) : 0 };
    }
    case DURATION: return { duration: parseGoDuration(String(v)) };
    case QUANTITY: return { string: String(v) };
    case INT_OR_STRING: return typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: String(v) };
    case RAW_EXTENSION: return { raw: Buffer.from(JSON.stringify(v)) };
    case FIELDS_V1: return { Raw: Buffer.from(JSON.stringify(v)) };
    default: return typeof v === 'object' && !Array.isArray(v) ? jsonToMessage(type, v as Json) : undefined;
  }
}

function encodeMessage(type: Type, json: Json): Uint8Array {
  return type.encode(type.fromObject(jsonToMessage(type, json))).finish();
}

/** The "k8s\\0" prefix and a runtime.Unknown around one message. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = UNKNOWN.encode(UNKNOWN.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([MAGIC, unknown]);
}

/** A response object in protobuf, or undefined when its kind has no protobuf form here (then: JSON). */
export function encodeObject(obj: unknown): Buffer | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const type = messageFor(apiVersion, kind);
  return type ? envelope(apiVersion, kind, encodeMessage(type, obj as Json)) : undefined;
}

/**
 * One watch event in the protobuf stream framing: a 4-byte big-endian length, then a WatchEvent
 * (itself without the envelope) whose object is the envelope-encoded object. Undefined when the
 * object has no protobuf form.
 */
export function encodeWatchEvent(type: string, object: unknown): Buffer | undefined {
  const inner = encodeObject(object);
  if (!inner) return undefined;
  const event = WATCH_EVENT.encode(WATCH_EVENT.fromObject({ type, object: { raw: inner } })).finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(event.length);
  return Buffer.concat([length, event]);
}

/** For tests: the object inside one framed watch event. */
export function decodeWatchEvent(frame: Buffer): { type: string; object: Json } {
  const length = frame.readUInt32BE(0);
  const event = decodeMessage(WATCH_EVENT, frame.subarray(4, 4 + length));
  const raw = Buffer.from(String((event['object'] as Json | undefined)?.['raw'] ?? ''), 'base64');
  return { type: String(event['type']), object: decodeObject(raw) };
}
