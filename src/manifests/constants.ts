// Limits and names shared by the manifest pipeline.

/** Kubernetes' apiserver refuses request bodies over 3 MiB; one YAML document is one request. */
export const MAX_DOCUMENT_BYTES = 3 * 1024 * 1024;
/** A whole file may hold many documents, but not without bound. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Real manifests nest about 15 levels; deeper input is an attack on the parser. */
export const MAX_DEPTH = 100;
/** yaml's guard against "billion laughs": how much alias expansion a document may do. */
export const MAX_ALIAS_COUNT = 100;

export const SUPPORTED_KINDS = ['Deployment', 'Pod', 'Service'] as const;
export type SupportedKind = (typeof SUPPORTED_KINDS)[number];

/** apiVersions that real clusters stopped serving for Deployment in 1.16; mini-kube converts them. */
export const LEGACY_DEPLOYMENT_VERSIONS = ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'] as const;
export type LegacyDeploymentVersion = (typeof LEGACY_DEPLOYMENT_VERSIONS)[number];

export const SERVED_VERSION: Record<SupportedKind, string> = { Deployment: 'apps/v1', Pod: 'v1', Service: 'v1' };
export const KIND_GROUP: Record<SupportedKind, '' | 'apps'> = { Deployment: 'apps', Pod: '', Service: '' };

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** The sentence every privileged refusal ends with. */
export const ALLOW_PRIVILEGED_ADVICE = 'start the control plane with --allow-privileged if you really mean it';
