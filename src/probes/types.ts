// Types shared by the probe handlers (transport) and the worker/manager (policy). Kept apart so a
// handler never imports policy code, as in the kubelet's pkg/probe vs pkg/kubelet/prober split.
import type { Container, Pod } from '../kube/types.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

export const PROBE_TYPES: readonly ProbeType[] = ['liveness', 'readiness', 'startup'];

/** What the results cache holds (pkg/kubelet/prober/results: Unknown, Success, Failure). */
export type ProbeResult = 'success' | 'failure' | 'unknown';

/** What a handler reports (pkg/probe: Success, Warning, Failure, Unknown). */
export type HandlerResult = 'success' | 'warning' | 'failure' | 'unknown';

/**
 * The outcome of one handler run, the TS shape of Go's `(probe.Result, string, error)`.
 * `error` set means the prober *errored*: the kubelet retries it, records
 * `<Type> probe errored and resulted in <result> state: <error>` and discards the result, so it never
 * counts towards a threshold. Handlers return expected conditions; a throw is treated like `error`.
 */
export interface ProbeOutcome {
  result: HandlerResult;
  output: string;
  error?: string;
}

/** An address as Kubernetes would dial it (pod IP or probe `host`, resolved port). */
export interface Target {
  host: string;
  port: number;
}

/**
 * Where a socket really connects. Equal to the Target on Linux (container IPs are routable);
 * a published port on 127.0.0.1 in the in-pod-network mode (see in-pod-network.ts).
 */
export interface DialTarget extends Target {
  /**
   * A userland proxy (docker-proxy, Docker Desktop's forwarder) stands between us and the container.
   * It accepts every connection and closes it at once when nothing listens inside, so a plain connect
   * would always "succeed"; the dialer then waits briefly to tell that apart from a real accept.
   * Unset on a target returned by a ResolveAddress hook: true when it differs from the pod address.
   */
  viaUserlandProxy?: boolean;
}

/** Maps an address Kubernetes would dial to where this host can reach it. */
export type DialResolver = (address: Target) => Promise<DialTarget>;

/** Version in the `kube-probe/<major>.<minor>` User-Agent: the Kubernetes release we imitate. */
export const KUBE_PROBE_VERSION = '1.32';
export const KUBE_PROBE_USER_AGENT = `kube-probe/${KUBE_PROBE_VERSION}`;

/** kubelet's maxReadLength / maxRespBodyLength: exec output and HTTP bodies are capped at 10 KiB. */
export const MAX_PROBE_OUTPUT_BYTES = 10 * 1024;

/**
 * The kubelet's hook from "what Kubernetes would dial" (pod IP + resolved port) to "what this host can
 * reach". The default dials the pod IP; in-pod-network.ts provides the published-port variant.
 * Only used when the probe targets the pod itself (no httpGet/tcpSocket `host`).
 */
export type ResolveAddress = (pod: Pod, container: Container, port: number) => DialTarget | Promise<DialTarget>;
