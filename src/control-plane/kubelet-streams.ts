// The kubelet's side of the API server's logs and exec (src/api/streaming/kubelet-streams.ts): the
// kubelet finds a pod's container instances on the engine by labels, the runtime streams from them.
// A thin adapter, so that src/api depends on an interface and never on src/runtime.
import type { ContainerInstance, KubeletStreams } from '../api/streaming/kubelet-streams.js';
import type { Runtime } from '../runtime/runtime.js';

/** What the adapter needs of the kubelet: its label lookup of a pod's container instances. */
export interface ContainerLookup {
  instances(podUid: string, containerName: string): Promise<ContainerInstance[]>;
}

export function kubeletStreams(kubelet: ContainerLookup, runtime: Runtime): KubeletStreams {
  return {
    instances: (podUid, containerName) => kubelet.instances(podUid, containerName),
    logs: (containerId, opts) => runtime.logs(containerId, opts),
    async exec(containerId, command, opts) {
      const session = await runtime.execInteractive(containerId, command, opts);
      return {
        stdin: session.stdin, stdout: session.stdout, stderr: session.stderr,
        resize: (w, h) => session.resize(w, h), exitCode: session.exitCode,
        close: () => { session.raw.destroy(); },
      };
    },
  };
}
