// Public surface of the probes package for the kubelet and tests.
export { ProbeManager } from './manager.js';
export type { ProbeManagerDeps } from './manager.js';
export type { ProbeUpdate } from './results.js';
export { parseContainerId } from '../kube/container-id.js';
export type { DialTarget, HandlerResult, ProbeOutcome, ProbeResult, ProbeType, ResolveAddress, Target } from './types.js';
export { KUBE_PROBE_USER_AGENT, KUBE_PROBE_VERSION, MAX_PROBE_OUTPUT_BYTES } from './types.js';
export * from './messages.js';
export { createPublishedPortResolver, probePortsToPublish, DEFAULT_PROXY_SETTLE_MS } from './in-pod-network.js';
export { probeExec } from './exec.js';
export { probeHttp, newRequestForHttpGetAction } from './http.js';
export { probeTcp } from './tcp.js';
export { probeGrpc } from './grpc.js';
export { resolveContainerPort } from './port.js';
export { probeTimings } from './spec.js';
export type { Clock } from './clock.js';
