// What every API handler needs: the store, the optional kubelet (logs, exec), admission settings and a
// clock. One object, passed down, so handlers stay plain functions that tests can call.
import type { KubeObject, Store, Stored } from '../store/store.js';
import type { KubeletStreams } from './streaming/kubelet-streams.js';
import type { ServiceAccountTokens } from './registry/service-account-tokens.js';
import type { KubeletObservations } from '../kube/observed.js';
import type { MetricsReader } from '../metrics/types.js';

/** Where the API's proxy subresources reach a pod: the kubelet's observations, and the network mode. */
export interface PodNetwork {
  observed: Pick<KubeletObservations, 'status' | 'publishedPorts'>;
  /** reach pods through their published ports on 127.0.0.1 instead of their IPs */
  publishPorts: boolean;
}

/**
 * Kind-specific admission that needs cluster state (the apiserver's registries): e.g. a Service's
 * nodePorts and clusterIP are allocated here, so the create answer already carries them.
 */
export type AdmissionHook = (obj: KubeObject, current: Stored | undefined) => Promise<KubeObject>;

export interface ApiContext {
  store: Store;
  /** the kubelet, which logs and exec are forwarded to; absent -> those answer 503 */
  kubelet?: KubeletStreams;
  allowPrivileged: boolean;
  admission?: Partial<Record<string, AdmissionHook>>;
  /** the TokenRequest issuer and service-account token authenticator */
  tokens?: ServiceAccountTokens;
  /** the ServiceAccount admission plugin on pod creates (needs the serviceaccounts controller running) */
  serviceAccountAdmission?: boolean;
  /** pods/proxy and services/proxy; absent -> 503 */
  podNetwork?: PodNetwork;
  /** metrics-server's storage behind metrics.k8s.io; absent -> the group is not served */
  metrics?: MetricsReader;
  now(): Date;
  /** timers and cleanups to run when the server closes (namespace deletion, watches) */
  onClose(fn: () => void): () => void;
}
