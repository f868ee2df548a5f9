// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount): one home for the API server,
// which runs it on every pod a client creates, and the ReplicaSet controller, which stamps pods out of
// templates without passing the API. Pure: the caller looks the service account up.
import { StatusError } from './errors.js';
import { generateName } from './names.js';
import type { Pod, ServiceAccount, Volume, VolumeMount } from './types.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
/** Where every container finds token, ca.crt and namespace (rest.InClusterConfig reads them there). */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The ConfigMap the root-ca-cert-publisher keeps in every namespace, and its key. */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';
/** The projected token's lifetime: an hour plus 7 s, so the kubelet's refresh is tracked (legacy-token warning). */
export const PROJECTED_TOKEN_SECONDS = 3607;
const VOLUME_PREFIX = 'kube-api-access-';

/**
 * Whether admission injects the kube-api-access volume (as Kubernetes' ServiceAccount admission plugin does);
 * test/unit/kube/service-account.test.ts covers both settings through admitPodServiceAccount's option.
 */
export const INJECT_SERVICE_ACCOUNT_VOLUME = true;

export type ServiceAccountLookup = (namespace: string, name: string) => ServiceAccount | undefined;

export interface ServiceAccountAdmissionOptions {
  /** inject the kube-api-access-* volume and its mounts (default INJECT_SERVICE_ACCOUNT_VOLUME) */
  injectVolume?: boolean;
}

/**
 * Defaults spec.serviceAccountName, refuses a pod whose service account does not exist (403, as the
 * apiserver: `error looking up service account ns/name: serviceaccount "name" not found`) and, unless
 * automountServiceAccountToken is false on the pod (or, when unset there, on the service account), mounts
 * the token volume read-only in every container and init container. Changes the pod in place.
 */
export function admitPodServiceAccount(pod: Pod, lookup: ServiceAccountLookup, opts: ServiceAccountAdmissionOptions = {}): void {
  const spec = pod.spec;
  if (!spec) return;
  const ns = pod.metadata?.namespace ?? 'default';
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
  // the deprecated alias mirrors the real field, as the apiserver's conversion does
  spec.serviceAccount = spec.serviceAccountName;
  const sa = lookup(ns, spec.serviceAccountName);
  if (!sa) {
    const named = pod.metadata?.name || pod.metadata?.generateName;
    const what = named ? `pods "${named}"` : 'pods';
    throw new StatusError(403, 'Forbidden',
      `${what} is forbidden: error looking up service account ${ns}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
  }
  if (!(opts.injectVolume ?? INJECT_SERVICE_ACCOUNT_VOLUME)) return;
  if (!(spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true)) return;
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  // a pod that already mounts something there keeps its own (as the plugin skips such containers)
  const needing = containers.filter((c) => !(c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH));
  if (!needing.length) return;
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(VOLUME_PREFIX) && v.projected);
  const volume = existing ?? serviceAccountVolume(uniqueVolumeName(spec.volumes ?? []));
  if (!existing) spec.volumes = [...(spec.volumes ?? []), volume];
  const mount: VolumeMount = { name: volume.name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH };
  for (const c of needing) c.volumeMounts = [...(c.volumeMounts ?? []), { ...mount }];
}

function uniqueVolumeName(volumes: Volume[]): string {
  for (;;) {
    const name = generateName(VOLUME_PREFIX);
    if (!volumes.some((v) => v.name === name)) return name;
  }
}

/** The projected volume the apiserver injects: token, the cluster's CA, the namespace. */
export function serviceAccountVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: PROJECTED_TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: ROOT_CA_KEY, path: ROOT_CA_KEY }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** Whether a volume is one this plugin injected (kept by a client's replace that omits it). */
export function isInjectedServiceAccountVolume(v: { name?: string; projected?: unknown }): boolean {
  return typeof v.name === 'string' && v.name.startsWith(VOLUME_PREFIX) && v.projected !== undefined;
}
