// ?fieldSelector=: the few fields each kind lets clients select on, as the apiserver does. kubectl
// delete waits with metadata.name=X, describe finds events with involvedObject.*; anything else is a
// 400 "field label not supported", exactly like a real cluster.
import type { Kind } from '../../kube/kinds.js';
import type { KubeObject } from '../../store/store.js';
import { StatusError } from '../../kube/errors.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

const COMMON = ['metadata.name', 'metadata.namespace'];

const FIELDS: Record<Kind, string[]> = {
  Pod: [...COMMON, 'status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.podIP', 'status.nominatedNodeName'],
  Event: [...COMMON, 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
    'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Namespace: [...COMMON, 'status.phase'],
  ReplicaSet: [...COMMON, 'status.replicas'],
  Service: COMMON,
  Endpoints: COMMON,
  Deployment: COMMON,
  ConfigMap: COMMON,
  Secret: [...COMMON, 'type'],
  ServiceAccount: COMMON,
  Node: [...COMMON, 'spec.unschedulable'],
  // pkg/registry/batch/job/strategy.go JobToSelectableFields
  Job: [...COMMON, 'status.successful'],
  CronJob: COMMON,
  DaemonSet: COMMON,
  // as the apiserver's PVC and PV field label conversions: name and namespace only
  PersistentVolumeClaim: COMMON,
  PersistentVolume: COMMON,
  StorageClass: COMMON,
  StatefulSet: COMMON,
  ControllerRevision: COMMON,
  HorizontalPodAutoscaler: COMMON,
  Lease: COMMON,
  PodDisruptionBudget: COMMON,
};

/** Parses "a=b,c!=d" with the apiserver's escapes (\, \= \\). Throws 400 on syntax or unknown fields. */
export function parseFieldSelector(text: string | undefined, kind: Kind): FieldRequirement[] {
  if (!text) return [];
  const out: FieldRequirement[] = [];
  for (const part of splitUnescaped(text, ',')) {
    if (!part.trim()) continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(unescapeOpsOnlyOutsideValue(part));
    if (!m) throw new StatusError(400, 'BadRequest', `invalid field selector: ${JSON.stringify(part)}: expected field=value or field!=value`);
    const field = m[1]!.trim();
    if (!FIELDS[kind].includes(field)) {
      throw new StatusError(400, 'BadRequest', `field label not supported: ${field}`);
    }
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: unescapeValue(m[3]!) });
  }
  return out;
}

export function fieldsMatch(reqs: readonly FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}

function fieldValue(obj: KubeObject, field: string): string {
  if (field === 'source') {
    // Events select on source as the component name.
    const src = (obj as { source?: { component?: string } }).source;
    return src?.component ?? '';
  }
  // JobToSelectableFields: status.successful is the succeeded count, 0 when none
  if (field === 'status.successful') return String((obj['status'] as { succeeded?: number } | undefined)?.succeeded ?? 0);
  if (field === 'spec.unschedulable') return String(Boolean((obj['spec'] as { unschedulable?: boolean } | undefined)?.unschedulable)); // unset is "false"
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) { cur += c + text[i + 1]; i++; continue; }
    if (c === sep) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Escaped "=" and "!" inside the value must not be taken for the operator: mask them first. */
function unescapeOpsOnlyOutsideValue(part: string): string {
  return part.replace(/\\=/g, '\u0000').replace(/\\!/g, '\u0001');
}

function unescapeValue(v: string): string {
  return v.replace(/\u0000/g, '=').replace(/\u0001/g, '!').replace(/\\(.)/g, '$1');
}
