// Limits and names shared by the manifest pipeline.
import { apiVersionOf, RESOURCE_TYPES, type Kind } from '../kube/kinds.js';

/** Kubernetes' apiserver refuses request bodies over 3 MiB; one YAML document is one request. */
export const MAX_DOCUMENT_BYTES = 3 * 1024 * 1024;
/** A whole file may hold many documents, but not without bound. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Real manifests nest about 15 levels; deeper input is an attack on the parser. */
export const MAX_DEPTH = 100;
/** yaml's guard against "billion laughs": how much alias expansion a document may do. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Every kind the API serves goes through admission on every write: none passes through unchecked.
 * The first three are what manifests usually hold; the rest follow in the order kubectl lists them.
 */
export const SUPPORTED_KINDS = ['Deployment', 'Pod', 'Service', 'ReplicaSet', 'Namespace', 'Endpoints', 'Event', 'ConfigMap', 'Secret', 'ServiceAccount', 'Node',
  'Job', 'CronJob', 'DaemonSet', 'ControllerRevision', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'StatefulSet',
  'HorizontalPodAutoscaler', 'Lease', 'PodDisruptionBudget'] as const satisfies readonly Kind[];
export type SupportedKind = (typeof SUPPORTED_KINDS)[number];
// A kind added to store/kinds.ts without admission support is a compile error here.
const EVERY_KIND_ADMITTED: Exclude<Kind, SupportedKind> extends never ? true : never = true;
void EVERY_KIND_ADMITTED;

/** apiVersions that real clusters stopped serving for Deployment in 1.16; mini-kube converts them. */
export const LEGACY_DEPLOYMENT_VERSIONS = ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'] as const;
export type LegacyDeploymentVersion = (typeof LEGACY_DEPLOYMENT_VERSIONS)[number];

export const SERVED_VERSION = Object.fromEntries(RESOURCE_TYPES.map((t) => [t.kind, apiVersionOf(t)])) as Record<SupportedKind, string>;
export const KIND_GROUP = Object.fromEntries(RESOURCE_TYPES.map((t) => [t.kind, t.group])) as Record<SupportedKind, string>;

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** The sentence every privileged refusal ends with. */
export const ALLOW_PRIVILEGED_ADVICE = 'start the control plane with --allow-privileged if you really mean it';
