// The in-pod-network mode: reach a pod's ports when this host cannot route to container IPs (Docker
// Desktop on macOS/Windows), or when forced by a setting so Linux runs the same path in tests.
//
// Choice: connect through the container's *published port* on 127.0.0.1 (CreateContainerSpec
// .publishPorts) and run the very same node http/tcp/grpc handlers. Rejected alternative: exec busybox
// `wget`/`nc` inside the container. That needs those tools in every image (distroless has none), costs a
// process per probe (~85 ms), and loses the HTTP semantics the kubelet has (status classes, same-host
// redirects, 10 KiB body, headers, User-Agent, TLS without verification, Go error texts).
//
// The one trap of published ports, measured on Docker 20.10 (Linux, userland-proxy on): docker-proxy
// *accepts* every connection on the host port, then dials the container and closes our side within a few
// milliseconds when nothing listens there. A plain connect would make a TCP probe of a closed port
// succeed. So a dial through a proxy waits a short settle window: a close (FIN/RST) before any byte
// arrives means "connection refused", reported with the pod address as Kubernetes would.
// Limits: a server that accepts and closes without a byte within the window reads as refused; a backend
// that hangs (paused container) reads as accepted. Ports must be published, see probePortsToPublish.
import type { Socket } from 'node:net';
import type { Container, Pod } from '../kube/types.js';
import type { ContainerInfo } from '../runtime/runtime.js';
import { resolveContainerPort } from './port.js';
import type { DialTarget, ResolveAddress } from './types.js';
import { containerIdOf } from '../kube/container-id.js';

/** Long enough for docker-proxy to learn its backend refused (about 4 ms measured), short next to a probe. */
export const DEFAULT_PROXY_SETTLE_MS = 100;

export interface PublishedPortResolverOptions {
  /** Runtime.inspectContainer, or anything giving ContainerInfo.publishedPorts for a container ID */
  inspect(containerId: string): Promise<Pick<ContainerInfo, 'publishedPorts'> | undefined>;
  /** address the ports are published on */
  host?: string;
}

/**
 * A ResolveAddress for the kubelet's `resolveAddress` hook: pod IP:port becomes 127.0.0.1:<published>.
 * Published ports never change for a container's life, so they are cached per container ID.
 */
export function createPublishedPortResolver(opts: PublishedPortResolverOptions): ResolveAddress {
  const host = opts.host ?? '127.0.0.1';
  const cache = new Map<string, Record<number, number>>();
  return async (pod: Pod, container: Container, port: number): Promise<DialTarget> => {
    const status = pod.status?.containerStatuses?.find((s) => s.name === container.name) ??
      pod.status?.initContainerStatuses?.find((s) => s.name === container.name);
    const id = containerIdOf(status?.containerID);
    if (!id) throw new Error(`container "${container.name}" has no container ID yet`);
    let ports = cache.get(id);
    if (!ports) {
      const info = await opts.inspect(id);
      if (!info) throw new Error(`container "${container.name}" (${id.slice(0, 12)}) not found`);
      ports = info.publishedPorts;
      // The pod's containers come and go; keep the cache small rather than tracking removals.
      if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
      cache.set(id, ports);
    }
    const published = ports[port];
    if (published === undefined) {
      throw new Error(
        `port ${port} of container "${container.name}" is not published on ${host}; ` +
        'in the published-ports mode the kubelet must publish the ports probePortsToPublish lists',
      );
    }
    return { host, port: published, viaUserlandProxy: true };
  };
}

/**
 * Container ports the probes of `container` dial on the pod itself, to publish in addition to
 * `ports[]`: a probe may use a port the container never declared. Probes with an explicit `host` go
 * elsewhere and need nothing; named ports that do not resolve are left to fail at probe time.
 */
export function probePortsToPublish(container: Container): number[] {
  const out = new Set<number>();
  for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
    if (!probe) continue;
    const action = probe.httpGet ?? probe.tcpSocket;
    if (action && !action.host) {
      const r = resolveContainerPort(action.port, container);
      if ('port' in r) out.add(r.port);
    }
    if (probe.grpc) out.add(probe.grpc.port);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Waits up to `settleMs` after connecting through a userland proxy. 'refused' when the peer closed
 * (or reset) before sending a byte. Nothing is consumed: data that arrived stays buffered for the
 * protocol that follows, and the stream is left in its initial (not flowing, not paused) mode.
 */
export function settleThroughUserlandProxy(socket: Socket, settleMs: number): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (verdict: 'open' | 'refused'): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('close', onClosed);
      socket.off('error', onClosed);
      resolve(verdict);
    };
    // A 'readable' listener reads ahead without consuming; removing it again lets a later 'data'
    // listener (the http parser) receive the buffered bytes.
    const onReadable = (): void => finish(socket.readableLength > 0 ? 'open' : 'refused');
    const onClosed = (): void => finish('refused');
    const timer = setTimeout(() => finish('open'), settleMs);
    socket.on('readable', onReadable);
    socket.on('close', onClosed);
    socket.on('error', onClosed);
  });
}
