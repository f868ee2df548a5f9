// For API wire tests without a kubelet: the pod statuses a test writes into the store stand for what the
// kubelet found on the engine, each running container status one running instance with that ID. The real
// API server asks the kubelet (src/kubelet/kubelet.ts instances()), which lists the engine by labels.
import type { Pod } from '../../src/kube/types.js';
import type { ContainerInfo } from '../../src/runtime/runtime.js';
import type { ContainerLookup } from '../../src/control-plane/kubelet-streams.js';
import type { Store } from '../../src/store/store.js';
import { parseContainerId } from '../../src/kube/container-id.js';

export function statusKubelet(store: Store): ContainerLookup {
  return {
    async instances(uid, name): Promise<ContainerInfo[]> {
      const pod = store.list<Pod>('Pod').find((p) => p.metadata.uid === uid);
      const cs = pod?.status?.containerStatuses?.find((c) => c.name === name);
      if (!cs?.containerID || !cs.state?.running) return [];
      return [{
        id: parseContainerId(cs.containerID), name, image: cs.image, labels: {}, status: 'running', running: true,
        exitCode: 0, oomKilled: false, error: '', publishedPorts: {},
      }];
    },
  };
}
