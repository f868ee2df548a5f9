// For proxy tests without a kubelet: the statuses the test wrote into the store stand for what a kubelet
// observed, and "pods" are local servers on 127.0.0.x, so the address rule lets loopback through. The
// real wiring never does either (control-plane passes the kubelet's ObservedPods and the default rule).
import type { Pod } from '../../../src/kube/types.js';
import type { KubeletObservations } from '../../../src/kube/observed.js';
import type { Store } from '../../../src/store/store.js';

export function storeObservations(store: Store): KubeletObservations {
  const byUid = (uid: string) => store.list<Pod>('Pod').find((p) => p.metadata.uid === uid);
  return {
    status: (uid) => byUid(uid)?.status,
    publishedPorts: () => undefined,
    onChange: () => () => {},
  };
}

/** Loopback "pods" are fine in these tests; everything else follows the real rule. */
export const loopbackPodsAllowed = (ip: string): string | undefined => (ip.startsWith('127.') ? undefined : `${ip} is not a test pod`);
