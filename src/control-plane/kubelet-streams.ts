// The kubelet's side of the API server's logs, exec, attach and port-forward
// (src/api/streaming/kubelet-streams.ts): the kubelet finds a pod's container instances and sandbox on the
// engine by labels, the runtime streams from them. A thin adapter, so that src/api depends on an interface
// and never on src/runtime.
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { PortForwardError, type ContainerExec, type ContainerInstance, type KubeletStreams } from '../api/streaming/kubelet-streams.js';
import type { ContainerInfo, ExecSession, Runtime } from '../runtime/runtime.js';

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
      const target = opts.publishPorts ? publishedTarget(sandbox, port) : sandbox.ip ? { host: sandbox.ip, port } : undefined;
      if (!target) throw new PortForwardError(`error forwarding port ${port} to pod ${sandbox.id}, uid : the pod sandbox has no IP address`);
      return dial(target.host, target.port, port, sandbox.id);
    },
  };
}

/** In the published-ports mode only the ports the sandbox publishes (declared and probed ones) can be reached. */
function publishedTarget(sandbox: ContainerInfo, port: number): { host: string; port: number } {
  const published = sandbox.publishedPorts[port];
  if (published === undefined) {
    throw new PortForwardError(`error forwarding port ${port} to pod ${sandbox.id}, uid : port ${port} is not published by the pod's sandbox ` +
      '(in the published-ports mode only the ports the pod declares in containers[].ports can be forwarded)');
  }
  return { host: '127.0.0.1', port: published };
}

/**
 * Connects, or rejects with the kubelet's text for the port's error stream (containerd's words: "error
 * forwarding port 80 to pod <sandbox>, uid : failed to execute portforward ...: connect: connection refused").
 */
function dial(host: string, port: number, podPort: number, sandboxId: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.code === 'ETIMEDOUT' ? 'i/o timeout' : err.message;
      reject(new PortForwardError(`error forwarding port ${podPort} to pod ${sandboxId}, uid : failed to execute portforward in network namespace of pod sandbox ${sandboxId.slice(0, 12)}: ` +
        `failed to connect to localhost:${podPort} inside namespace "${sandboxId}", IPv4: dial tcp4 ${host}:${port}: ${why}`));
    });
  });
}
