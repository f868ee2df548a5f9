// The kubelet's side of the API server's logs, exec, attach and port-forward
// (src/api/streaming/kubelet-streams.ts): the kubelet finds a pod's container instances and sandbox on the
// engine by labels, the runtime streams from them. A thin adapter, so that src/api depends on an interface
// and never on src/runtime.
import type { Duplex } from 'node:stream';
import { PortForwardError, type ContainerExec, type ContainerInstance, type KubeletStreams } from '../api/streaming/kubelet-streams.js';
import type { ContainerInfo, ExecSession, Runtime } from '../runtime/runtime.js';
import { Deadline, dialTcp } from '../probes/dial.js';
import type { DialTarget, Target } from '../probes/types.js';

/** how long a port-forward connection may take to reach the pod (the kubelet's dial has no shorter bound) */
const DIAL_TIMEOUT_MS = 10_000;

/** What the adapter needs of the kubelet: its label lookups of a pod's container instances and sandbox. */
export interface ContainerLookup {
  instances(podUid: string, containerName: string): Promise<ContainerInstance[]>;
  /** the pod's running sandbox (the holder of its network namespace), if any; without it, no port-forward */
  sandboxOf?(podUid: string): Promise<ContainerInfo | undefined>;
}

export interface KubeletStreamsOptions {
  /** the published-ports mode (Docker Desktop): pod IPs are not routable, the sandbox's published ports are */
  publishPorts: boolean;
}

export function kubeletStreams(kubelet: ContainerLookup, runtime: Runtime, opts: KubeletStreamsOptions = { publishPorts: false }): KubeletStreams {
  const wrap = (session: ExecSession): ContainerExec => ({
    stdin: session.stdin, stdout: session.stdout, stderr: session.stderr,
    resize: (w, h) => session.resize(w, h), exitCode: session.exitCode,
    close: () => { session.raw.destroy(); },
  });
  return {
    instances: (podUid, containerName) => kubelet.instances(podUid, containerName),
    logs: (containerId, logOpts) => runtime.logs(containerId, logOpts),
    async exec(containerId, command, execOpts) {
      return wrap(await runtime.execInteractive(containerId, command, execOpts));
    },
    async attach(containerId, attachOpts) {
      if (!runtime.attach) throw new Error('this container runtime cannot attach');
      return wrap(await runtime.attach(containerId, attachOpts));
    },
    async dialPod(podUid, port) {
      const sandbox = await kubelet.sandboxOf?.(podUid);
      if (!sandbox) throw new PortForwardError(`error forwarding port ${port} to pod ${podUid}: the pod has no running sandbox`);
      const address = { host: sandbox.ip ?? '127.0.0.1', port };
      if (!opts.publishPorts && !sandbox.ip) throw new PortForwardError(`error forwarding port ${port} to pod ${sandbox.id}, uid : the pod sandbox has no IP address`);
      return dial(address, opts.publishPorts ? publishedTarget(sandbox, port) : address, sandbox.id);
    },
  };
}

/** In the published-ports mode only the ports the sandbox publishes (declared and probed ones) can be reached. */
function publishedTarget(sandbox: ContainerInfo, port: number): DialTarget {
  const published = sandbox.publishedPorts[port];
  if (published === undefined) {
    throw new PortForwardError(`error forwarding port ${port} to pod ${sandbox.id}, uid : port ${port} is not published by the pod's sandbox ` +
      '(in the published-ports mode only the ports the pod declares in containers[].ports can be forwarded)');
  }
  // docker-proxy accepts first and closes when nothing listens behind it: the dialer tells the two apart
  return { host: '127.0.0.1', port: published, viaUserlandProxy: true };
}

/**
 * Connects (the probes' dialer: Go's error texts, and a closed port behind docker-proxy reads as refused),
 * or rejects with the kubelet's text for the port's error stream, in containerd's words: "error forwarding
 * port 80 to pod <sandbox>, uid : failed to execute portforward ...: connect: connection refused".
 */
async function dial(address: Target, connectTo: DialTarget, sandboxId: string): Promise<Duplex> {
  try {
    const socket = await dialTcp({ address, connectTo, deadline: new Deadline(DIAL_TIMEOUT_MS) });
    socket.setNoDelay(true);
    return socket;
  } catch (err) {
    const why = (err as Error).message; // a DialError: Go's "dial tcp IP:PORT: connect: connection refused"
    throw new PortForwardError(`error forwarding port ${address.port} to pod ${sandboxId}, uid : failed to execute portforward in network namespace of pod sandbox ${sandboxId.slice(0, 12)}: ` +
      `failed to connect to localhost:${address.port} inside namespace "${sandboxId}", IPv4: ${why}`);
  }
}
