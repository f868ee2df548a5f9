// Where each served kind carries a pod spec: the one table the security gate reads, so a kind cannot be
// admitted without its pod specs being checked. It is a Record over every Kind of store/kinds.ts: a new
// kind does not compile until it says here where its pods come from (or that it makes none), and
// test/unit/manifests/pod-templates.test.ts checks this table against the kinds' API schemas.
import type { PodSpec } from '../kube/types.js';
import type { Kind } from '../kube/kinds.js';
import { FieldPath } from './field-path.js';

export const POD_SPEC_PATHS: Readonly<Record<Kind, readonly (readonly string[])[]>> = {
  Pod: [['spec']],
  Deployment: [['spec', 'template', 'spec']],
  ReplicaSet: [['spec', 'template', 'spec']],
  Service: [],
  Endpoints: [],
  Event: [],
  Namespace: [],
  ConfigMap: [],
  Secret: [],
  ServiceAccount: [],
  Node: [],
  Job: [['spec', 'template', 'spec']],
  CronJob: [['spec', 'jobTemplate', 'spec', 'template', 'spec']],
  DaemonSet: [['spec', 'template', 'spec']],
  PersistentVolumeClaim: [],
  PersistentVolume: [],
  StorageClass: [],
  StatefulSet: [['spec', 'template', 'spec']],
  ControllerRevision: [],
  HorizontalPodAutoscaler: [],
  Lease: [],
  PodDisruptionBudget: [],
};

export interface PodSpecAt {
  spec: PodSpec;
  path: FieldPath;
}

/** The pod specs an object of `kind` carries, with where they are (for field paths in errors). */
export function podSpecsOf(kind: Kind, obj: unknown): PodSpecAt[] {
  const out: PodSpecAt[] = [];
  for (const segments of POD_SPEC_PATHS[kind]) {
    let v: unknown = obj;
    for (const s of segments) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push({ spec: v as PodSpec, path: FieldPath.of(...segments) });
  }
  return out;
}
