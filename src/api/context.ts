// What every API handler needs: the store, the optional kubelet (logs, exec), admission settings and a
// clock. One object, passed down, so handlers stay plain functions that tests can call.
import type { KubeObject, Store, Stored } from '../store/store.js';
import type { KubeletStreams } from './streaming/kubelet-streams.js';

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
  now(): Date;
  /** timers and cleanups to run when the server closes (namespace deletion, watches) */
  onClose(fn: () => void): () => void;
}
