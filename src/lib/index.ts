// The public API of the `mini-kube` package for integration tests. See README "mini-kube as a library".
export { Cluster, startCluster, WaitTimeoutError, type ClusterOptions, type ExecOutput, type WaitOptions } from './cluster.js';
export type { ApplyResult, ApplyAction } from '../client/apply.js';
export type { Deployment, Endpoints, Event, Pod, Service } from '../kube/types.js';
export type { KubeObject, Stored } from '../store/store.js';
