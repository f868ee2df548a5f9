// Finding the container a log or exec request means: the named one, or the pod's only one, and its
// current Docker id from status.containerStatuses[].containerID ("docker://<id>").
import type { Pod } from '../kube/types.js';
import { StatusError } from '../store/errors.js';
import type { Stored } from '../store/store.js';

export function chooseContainer(pod: Stored<Pod>, requested: string | null): string {
  const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name);
  const name = pod.metadata.name;
  if (requested) {
    if (!names.includes(requested)) {
      throw new StatusError(400, 'BadRequest', `container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  const main = (pod.spec?.containers ?? []).map((c) => c.name);
  if (main.length === 1) return main[0]!;
  if (main.length === 0) throw new StatusError(400, 'BadRequest', `pod ${name} has no containers`);
  throw new StatusError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`);
}

export function containerStatus(pod: Stored<Pod>, container: string) {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === container);
}

/** The runtime id of the container's current instance, without the "docker://" scheme. */
export function currentContainerId(pod: Stored<Pod>, container: string): string | undefined {
  return stripScheme(containerStatus(pod, container)?.containerID);
}

export function stripScheme(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const i = id.indexOf('://');
  return i >= 0 ? id.slice(i + 3) : id;
}

/** 400 "container x in pod y is waiting to start: ContainerCreating", as the kubelet answers. */
export function waitingToStart(pod: Stored<Pod>, container: string): StatusError {
  const reason = containerStatus(pod, container)?.state?.waiting?.reason ?? 'ContainerCreating';
  return new StatusError(400, 'BadRequest', `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
}
