// The last check before the proxy opens a connection to a pod (defence in depth, docs/decisions/071):
// the address must be the one the kubelet observed for that pod now, and an address Kubernetes refuses as
// an endpoint (loopback, link-local, unspecified, multicast) or one of this host's is never dialled,
// whatever put it in a backend list. In the published-ports mode the proxy dials 127.0.0.1 by design,
// so there the port must be one the engine published for that pod's container.
import * as net from 'node:net';
import type { AddressRule } from '../kube/endpoints.js';
import type { KubeletObservations } from '../kube/observed.js';

export interface UpstreamTarget {
  podUid: string;
  host: string;
  port: number;
}

/** Why this target must not be dialled, or undefined. */
export type UpstreamCheck = (t: UpstreamTarget) => string | undefined;

export type UpstreamConnect = (t: UpstreamTarget, opts?: { allowHalfOpen?: boolean }) => net.Socket;

/** The error a refused target fails with; the data paths treat it as a refused connect (next endpoint). */
export const REFUSED_TARGET = 'EUPSTREAMREFUSED';

export function observedTargetCheck(
  observed: Pick<KubeletObservations, 'status' | 'publishedPorts'>, publishPorts: boolean, addressRule: AddressRule,
): UpstreamCheck {
  return (t) => {
    if (publishPorts) {
      const published = Object.values(observed.publishedPorts(t.podUid) ?? {});
      if (t.host === '127.0.0.1' && published.includes(t.port)) return undefined;
      return `${t.host}:${t.port} is not a port the engine published for pod ${t.podUid}`;
    }
    const problem = addressRule(t.host);
    if (problem) return problem;
    const ip = observed.status(t.podUid)?.podIP;
    if (ip !== t.host) return `${t.host} is not the address the kubelet observed for pod ${t.podUid} (${ip ?? 'none'})`;
    return undefined;
  };
}

/** net.connect behind the check: a refused target gives a socket that fails with REFUSED_TARGET at once. */
export function guardedConnect(check: UpstreamCheck, log: (line: string) => void): UpstreamConnect {
  return (t, opts = {}) => {
    const problem = check(t);
    if (!problem) return net.connect({ host: t.host, port: t.port, noDelay: true, allowHalfOpen: opts.allowHalfOpen ?? false });
    log(`service proxy: not dialling ${t.host}:${t.port}: ${problem}`);
    const socket = new net.Socket();
    process.nextTick(() => socket.destroy(Object.assign(new Error(`mini-kube refused to dial ${t.host}:${t.port}: ${problem}`), { code: REFUSED_TARGET })));
    return socket;
  };
}
