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

/**
 * What a probe spec means for one container at one pod IP, worked out once: probes run every period
 * with the same spec (fixed when the worker started), and parsing the path, expanding the command and
 * resolving named ports on every run was measurable CPU at 100 probes a second.
 */
interface PreparedProbe {
  container: Container;
  podIP: string;
  timeoutMs: number;
  command?: string[];
  http?: ReturnType<typeof newRequestForHttpGetAction>;
  tcpPort?: ReturnType<typeof resolveContainerPort>;
}

const noPodIP = (): ProbeOutcome => ({ result: 'unknown', output: '', error: 'pod has no IP address yet' });

export class Prober {
  private readonly resolveAddress: ResolveAddress | undefined;
  private readonly prepared = new WeakMap<Probe, PreparedProbe>();
  /** probes finished so far (each with its retries counts once): the denominator of bench/probes' CPU per probe */
  probesRun = 0;

  constructor(private readonly deps: ProberDeps) {
    // Without a hook the pod IP is dialed as is (defaultResolveAddress), with no detour to work out.
    this.resolveAddress = deps.resolveAddress;
  }

  /** prober.probe: run with retries, record the event the outcome calls for, map to a result. */
  async probe(type: ProbeType, probe: Probe, pod: Pod, container: Container, containerId: string): Promise<ProberResult> {
    const out = await this.runProbeWithRetries(type, probe, pod, container, containerId, MAX_PROBE_RETRIES);
    this.probesRun++;
    if (out.error !== undefined) {
      this.event(pod, container, REASON_UNHEALTHY, probeErroredMessage(type, out.result, out.error));
      return ERRORED;
    }
    switch (out.result) {
      case 'success':
        return SUCCESS;
      case 'warning':
        // A Warning counts as success, with an event (e.g. a redirect to another host).
        this.event(pod, container, REASON_PROBE_WARNING, probeWarningMessage(type, out.output));
        return SUCCESS;
      case 'failure':
        // Emitted on every failed probe, not only when the threshold is reached.
        this.event(pod, container, REASON_UNHEALTHY, probeFailedMessage(type, out.output));
        return FAILURE;
      default:
        // Unknown without an error: Failure, quietly.
        return FAILURE;
    }
  }

  private event(pod: Pod, container: Container, reason: string, message: string): void {
    this.deps.recordEvent(pod, container.name, 'Warning', reason, message);
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

  private prepare(probe: Probe, container: Container, podIP: string): PreparedProbe {
    const cached = this.prepared.get(probe);
    if (cached && cached.container === container && cached.podIP === podIP) return cached;
    const p: PreparedProbe = { container, podIP, timeoutMs: probeTimings(probe).timeoutSeconds * 1000 };
    if (probe.exec) p.command = expandCommandOnlyStatic(probe.exec.command ?? [], container.env);
    else if (probe.httpGet) p.http = newRequestForHttpGetAction(probe.httpGet, container, podIP);
    else if (probe.tcpSocket) p.tcpPort = resolveContainerPort(probe.tcpSocket.port, container);
    this.prepared.set(probe, p);
    return p;
  }

  /**
   * The pod's own address goes through the resolveAddress hook; an explicit `host` is dialed as is.
   * A target the hook moved elsewhere is a published port unless it says otherwise: Docker's
   * forwarders accept first and hang up later, which a plain connect would count as success.
   */
  private async toPod(pod: Pod, container: Container, address: Target, podIP: string): Promise<DialTarget | undefined> {
    if (!this.resolveAddress || address.host !== podIP) return undefined;
    const target = await this.resolveAddress(pod, container, address.port);
    const moved = target.host !== address.host || target.port !== address.port;
    return { ...target, viaUserlandProxy: target.viaUserlandProxy ?? moved };
  }

  private async dispatch(probe: Probe, pod: Pod, container: Container, containerId: string): Promise<ProbeOutcome> {
    const podIP = pod.status?.podIP ?? '';
    const prepared = this.prepare(probe, container, podIP);
    const { timeoutMs } = prepared;
    const proxySettleMs = this.deps.proxySettleMs;

    if (prepared.command) {
      return probeExec(this.deps.runtime, { containerId, command: prepared.command, timeoutMs });
    }
    if (prepared.http) {
      const req = prepared.http;
      if ('error' in req) return { result: 'unknown', output: '', error: req.error };
      if (!req.host) return noPodIP();
      const dial = this.resolveAddress ? async (a: Target) => (await this.toPod(pod, container, a, podIP)) ?? a : undefined;
      return probeHttp(req, { timeoutMs, proxySettleMs, dial });
    }
    if (prepared.tcpPort && probe.tcpSocket) {
      const port = prepared.tcpPort;
      if ('error' in port) return { result: 'unknown', output: '', error: port.error };
      const address = { host: probe.tcpSocket.host || podIP, port: port.port };
      if (!address.host) return noPodIP();
      const connectTo = this.resolveAddress ? await this.toPod(pod, container, address, podIP) : undefined;
      return probeTcp({ address, connectTo, timeoutMs, proxySettleMs });
    }
    if (probe.grpc) {
      if (!podIP) return noPodIP();
      const address = { host: podIP, port: probe.grpc.port };
      return probeGrpc({ address, connectTo: await this.toPod(pod, container, address, podIP), service: probe.grpc.service ?? '', timeoutMs, proxySettleMs });
    }
    return {
      result: 'unknown', output: '',
      error: `missing probe handler for ${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''}):${container.name}`,
    };
  }
}

/** Frozen: the worker only reads them, and a probe need not allocate its answer. */
const SUCCESS: ProberResult = Object.freeze({ result: 'success', errored: false });
const FAILURE: ProberResult = Object.freeze({ result: 'failure', errored: false });
const ERRORED: ProberResult = Object.freeze({ result: 'failure', errored: true });
