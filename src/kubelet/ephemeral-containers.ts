// Ephemeral containers (kubectl debug), as the kubelet runs them: containers of the pod's spec like the
// others for creating and starting (in the pod's sandbox: its network, its volumes), never restarted
// (pod-actions.ts decides), with their own status list (ephemeralContainerStatuses), and, when they name
// a targetContainerName, in that container's process namespace.
import type { Container, ContainerStatus, Pod } from '../kube/types.js';
import type { ContainerInfo } from '../runtime/runtime.js';

export type EphemeralContainer = Container & { targetContainerName?: string };

export function ephemeralContainersOf(pod: Pod): EphemeralContainer[] {
  return (pod.spec?.ephemeralContainers ?? []) as EphemeralContainer[];
}

export function isEphemeral(pod: Pod, name: string): boolean {
  return ephemeralContainersOf(pod).some((c) => c.name === name);
}

/**
 * The running instance of the container an ephemeral container targets, whose process namespace it
 * joins; undefined when it names none, or the target does not run (then it gets a namespace of its own,
 * as with a runtime that cannot share it).
 */
export function pidTargetOf(pod: Pod, c: Container, byName: ReadonlyMap<string, readonly ContainerInfo[]>): string | undefined {
  const target = ephemeralContainersOf(pod).find((e) => e.name === c.name)?.targetContainerName;
  if (!target) return undefined;
  const latest = byName.get(target)?.[0];
  return latest?.running ? latest.id : undefined;
}

/** The state of an ephemeral container that ran and whose instance is gone: ended, exit unknown. */
export function vanished(prev: ContainerStatus): ContainerStatus {
  if (prev.state?.terminated) return { ...prev, ready: false };
  return {
    ...prev, ready: false, started: false,
    state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } },
  };
}

/**
 * The ephemeral containers' statuses a pod keeps when its containers are removed (`mini-kube down`):
 * those that ran stay ended, so the next `up` does not run them again (pod-actions).
 */
export function keptEphemeralStatuses(statuses: ContainerStatus[] | undefined): { ephemeralContainerStatuses?: ContainerStatus[] } {
  const ran = (statuses ?? []).filter((s) => s.containerID).map(vanished);
  return ran.length ? { ephemeralContainerStatuses: ran } : {};
}
