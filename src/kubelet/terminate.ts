// Graceful deletion of a pod marked for deletion (the kubelet's killPod, then the status manager's final
// delete): drain the proxied connections (docs/decisions/043), stop every running container with the
// pod's grace period (each runs its preStop hook first, kill-container.ts; native sidecars get SIGTERM
// only after the app containers and the sidecars declared after them exited, as the kubelet since 1.29),
// remove the containers, then remove the pod object.
import type { Pod } from '../kube/types.js';
import type { EventType } from '../store/events.js';
import type { Stored } from '../store/store.js';
import { LABEL_CONTAINER, type ContainerInfo, type Runtime } from '../runtime/runtime.js';
import { drainConnections, graceAfterDrain, type ConnectionDrain } from './drain.js';
import { killContainer, type KillDeps } from './kill-container.js';
import { MIN_GRACE_SECONDS, terminationPrerequisites } from './pod-actions.js';
import { isSandbox } from './sandbox-actions.js';

export interface TerminateDeps extends Omit<KillDeps, 'runtime' | 'event'> {
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
  const apps = running.filter((c) => !isSandbox(c));
  const specs = new Map([...pod.spec?.initContainers ?? [], ...pod.spec?.containers ?? []].map((c) => [c.name, c]));
  const nameOf = (c: ContainerInfo): string => c.labels[LABEL_CONTAINER] ?? '';
  const waitsFor = terminationPrerequisites(pod, apps.map(nameOf));
  const exited = new Map(apps.map((c) => [nameOf(c), deferred()]));
  await Promise.all(apps.map(async (c) => {
    const name = nameOf(c);
    const before = (waitsFor.get(name) ?? []).map((n) => exited.get(n)!.promise);
    try {
      await killContainer(deps, pod, {
        spec: specs.get(name), name, containerId: c.id, graceSeconds: grace, message: `Stopping container ${name}`,
        ...(before.length ? { waitForTurn: (seconds: number) => within(Promise.all(before), seconds * 1000) } : {}),
      });
    } finally {
      exited.get(name)!.resolve();
    }
  }));
  await Promise.all(running.filter(isSandbox).map((c) => deps.runtime.stopContainer(c.id, MIN_GRACE_SECONDS)));
  await deps.cleanup(pod.metadata.uid, containers);
  deps.deletePod(pod.metadata.uid);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Resolves when `p` does, or after `ms` (a sidecar's turn comes at the latest when its grace runs out). */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}
