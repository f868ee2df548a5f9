// Graceful deletion of a pod marked for deletion (the kubelet's killPod, then the status manager's final
// delete): drain the proxied connections (docs/decisions/043), stop every running container with the
// pod's grace period, remove the containers, then remove the pod object.
import type { Pod } from '../kube/types.js';
import type { EventType } from '../store/events.js';
import type { Stored } from '../store/store.js';
import { LABEL_CONTAINER, type ContainerInfo, type Runtime } from '../runtime/runtime.js';
import { drainConnections, graceAfterDrain, type ConnectionDrain } from './drain.js';
import { MIN_GRACE_SECONDS } from './pod-actions.js';
import { isSandbox } from './sandbox-actions.js';

export interface TerminateDeps {
  runtime: Runtime;
  connections?: ConnectionDrain;
  event(pod: Pod, type: EventType, reason: string, message: string, containerName?: string): void;
  /** the status as the engine shows the pod now, written before the stop */
  writeStatus(uid: string, containers: ContainerInfo[]): void;
  /** removes the containers and forgets the pod */
  cleanup(uid: string, containers: ContainerInfo[]): Promise<void>;
  /** removes the pod object (after its containers are gone) */
  deletePod(uid: string): void;
}

export async function terminatePod(deps: TerminateDeps, pod: Stored<Pod>, containers: ContainerInfo[]): Promise<void> {
  let grace = Math.max(0, pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
  deps.writeStatus(pod.metadata.uid, containers);
  const running = containers.filter((c) => c.running);
  if (running.length) {
    // The pod left the endpoints when it was marked: let the requests the proxy already sent it finish.
    const drain = await drainConnections(deps.connections, pod.metadata.uid, grace,
      (reason, message) => deps.event(pod, 'Normal', reason, message));
    grace = graceAfterDrain(grace, drain.waitedMs, MIN_GRACE_SECONDS);
  }
  // the containers first, the sandbox (their network namespace) after them, as the kubelet's killPod
  await Promise.all(running.filter((c) => !isSandbox(c)).map(async (c) => {
    const name = c.labels[LABEL_CONTAINER] ?? '';
    deps.event(pod, 'Normal', 'Killing', `Stopping container ${name}`, name);
    await deps.runtime.stopContainer(c.id, grace);
  }));
  await Promise.all(running.filter(isSandbox).map((c) => deps.runtime.stopContainer(c.id, MIN_GRACE_SECONDS)));
  await deps.cleanup(pod.metadata.uid, containers);
  deps.deletePod(pod.metadata.uid);
}
