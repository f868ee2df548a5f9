// The public API of the `mini-kube` package for integration tests. See docs/library.md.
export { Cluster, startCluster, type ApplyOptions, type ClusterOptions, type ExecOutput, type KindTypes, type NamespaceOptions, type WaitOptions } from './cluster.js';
export { WaitTimeoutError, type Observation } from './waits.js';
// The errors a test may check with instanceof: the API's answers (reason NotFound, Conflict, Invalid ...)
// and a manifest refused before anything was sent (file, line, field path).
export { StatusError, type StatusReason } from '../kube/errors.js';
export { ManifestError, type ManifestIssue } from '../manifests/manifest-error.js';
export { ManifestPathError } from '../client/manifests.js';
export { LABEL_CLUSTER } from '../runtime/runtime.js';
export type { ApplyResult, ApplyAction } from '../client/apply.js';
export type { ConfigMap, Deployment, Endpoints, Event, Namespace, Pod, ReplicaSet, Secret, Service } from '../kube/types.js';
export type { KubeObject, Stored } from '../store/store.js';
export type { Kind } from '../kube/kinds.js';
