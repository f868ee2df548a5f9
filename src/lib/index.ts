// The public API of the `mini-kube` package for integration tests. See docs/library.md.
export { Cluster, startCluster, type ApplyOptions, type ClusterOptions, type ExecOutput, type WaitOptions } from './cluster.js';
export { WaitTimeoutError, type Observation } from './waits.js';
export { LABEL_CLUSTER } from '../runtime/runtime.js';
export type { ApplyResult, ApplyAction } from '../client/apply.js';
export type { Deployment, Endpoints, Event, Pod, Service } from '../kube/types.js';
export type { KubeObject, Stored } from '../store/store.js';
export type { Kind } from '../kube/kinds.js';
