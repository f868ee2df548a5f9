// pkg/kubelet/prober/prober.go: picks the handler for a probe spec, retries errors, and turns handler
// outcomes into results and events. Transport (the handlers) knows nothing of this policy.
import type { Container, Pod, Probe } from '../kube/types.js';
import type { Runtime } from '../runtime/runtime.js';
import { probeExec } from './exec.js';
import { expandCommandOnlyStatic } from './expand.js';
import { probeGrpc } from './grpc.js';
import { newRequestForHttpGetAction, probeHttp } from './http.js';
import {
  REASON_PROBE_WARNING, REASON_UNHEALTHY, probeErroredMessage, probeFailedMessage, probeWarningMessage,
} from './messages.js';
import { resolveContainerPort } from './port.js';
import { probeTimings } from './spec.js';
import { probeTcp } from './tcp.js';
import type { DialTarget, ProbeOutcome, ProbeType, ResolveAddress, Target } from './types.js';

/** prober.go maxProbeRetries: an *error* is retried at once, up to 3 runs; a Failure is not. */
export const MAX_PROBE_RETRIES = 3;

export type RecordProbeEvent = (
  pod: Pod, containerName: string, type: 'Normal' | 'Warning', reason: string, message: string,
) => void;

export interface ProberDeps {
  runtime: Pick<Runtime, 'exec'>;
  recordEvent: RecordProbeEvent;
  /** pod IP + port → where to connect; defaults to the pod IP */
  resolveAddress?: ResolveAddress;
  /** settle window for connections through a userland proxy (in-pod-network.ts) */
  proxySettleMs?: number;
}

/** What the worker gets back: the result to count, or `errored` (discard, don't count). */
export interface ProberResult {
  result: 'success' | 'failure';
  errored: boolean;
}

export const defaultResolveAddress: ResolveAddress = (pod, _container, port) => ({ host: pod.status?.podIP ?? '', port });

export class Prober {
  private readonly resolveAddress: ResolveAddress;
  /** probes run so far (each with its retries counts once): the denominator of bench/probes' CPU per probe */
  probesRun = 0;

  constructor(private readonly deps: ProberDeps) {
    this.resolveAddress = deps.resolveAddress ?? defaultResolveAddress;
  }

  /** prober.probe: run with retries, record the event the outcome calls for, map to a result. */
  async probe(type: ProbeType, probe: Probe, pod: Pod, container: Container, containerId: string): Promise<ProberResult> {
    this.probesRun++;
    const out = await this.runProbeWithRetries(type, probe, pod, container, containerId, MAX_PROBE_RETRIES);
    const event = (reason: string, message: string): void => this.deps.recordEvent(pod, container.name, 'Warning', reason, message);
    if (out.error !== undefined) {
      event(REASON_UNHEALTHY, probeErroredMessage(type, out.result, out.error));
      return { result: 'failure', errored: true };
    }
    switch (out.result) {
      case 'success':
        return { result: 'success', errored: false };
      case 'warning':
        // A Warning counts as success, with an event (e.g. a redirect to another host).
        event(REASON_PROBE_WARNING, probeWarningMessage(type, out.output));
        return { result: 'success', errored: false };
      case 'failure':
        // Emitted on every failed probe, not only when the threshold is reached.
        event(REASON_UNHEALTHY, probeFailedMessage(type, out.output));
        return { result: 'failure', errored: false };
      default:
        // Unknown without an error: Failure, quietly.
        return { result: 'failure', errored: false };
    }
  }

  async runProbeWithRetries(
    type: ProbeType, probe: Probe, pod: Pod, container: Container, containerId: string, retries: number,
  ): Promise<ProbeOutcome> {
    let out: ProbeOutcome = { result: 'unknown', output: '', error: 'probe did not run' };
    for (let i = 0; i < retries; i++) {
      out = await this.runProbe(type, probe, pod, container, containerId);
      if (out.error === undefined) return out;
    }
    return out;
  }

  /** One handler run; never throws (a throw anywhere becomes an error outcome). */
  async runProbe(_type: ProbeType, probe: Probe, pod: Pod, container: Container, containerId: string): Promise<ProbeOutcome> {
    try {
      return await this.dispatch(probe, pod, container, containerId);
    } catch (err) {
      return { result: 'unknown', output: '', error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async dispatch(probe: Probe, pod: Pod, container: Container, containerId: string): Promise<ProbeOutcome> {
    const timeoutMs = probeTimings(probe).timeoutSeconds * 1000;
    const podIP = pod.status?.podIP ?? '';
    const proxySettleMs = this.deps.proxySettleMs;
    // The pod's own address goes through the resolveAddress hook; an explicit `host` is dialed as is.
    // A target the hook moved elsewhere is a published port unless it says otherwise: Docker's
    // forwarders accept first and hang up later, which a plain connect would count as success.
    const toPod = async (address: Target): Promise<DialTarget | undefined> => {
      if (address.host !== podIP) return undefined;
      const target = await this.resolveAddress(pod, container, address.port);
      const moved = target.host !== address.host || target.port !== address.port;
      return { ...target, viaUserlandProxy: target.viaUserlandProxy ?? moved };
    };
    const noPodIP = (): ProbeOutcome => ({ result: 'unknown', output: '', error: 'pod has no IP address yet' });

    if (probe.exec) {
      const command = expandCommandOnlyStatic(probe.exec.command ?? [], container.env);
      return probeExec(this.deps.runtime, { containerId, command, timeoutMs });
    }
    if (probe.httpGet) {
      const req = newRequestForHttpGetAction(probe.httpGet, container, podIP);
      if ('error' in req) return { result: 'unknown', output: '', error: req.error };
      if (!req.host) return noPodIP();
      return probeHttp(req, { timeoutMs, proxySettleMs, dial: async (a) => (await toPod(a)) ?? a });
    }
    if (probe.tcpSocket) {
      const port = resolveContainerPort(probe.tcpSocket.port, container);
      if ('error' in port) return { result: 'unknown', output: '', error: port.error };
      const address = { host: probe.tcpSocket.host || podIP, port: port.port };
      if (!address.host) return noPodIP();
      return probeTcp({ address, connectTo: await toPod(address), timeoutMs, proxySettleMs });
    }
    if (probe.grpc) {
      if (!podIP) return noPodIP();
      const address = { host: podIP, port: probe.grpc.port };
      return probeGrpc({ address, connectTo: await toPod(address), service: probe.grpc.service ?? '', timeoutMs, proxySettleMs });
    }
    return {
      result: 'unknown', output: '',
      error: `missing probe handler for ${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''}):${container.name}`,
    };
  }
}
