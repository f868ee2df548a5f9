// Finding the container a log or exec request means: the named one, or the pod's only one; and its
// instances on the engine, which only the kubelet answers (found by this cluster's label and the
// pod's uid). Never an ID from status.containerStatuses: a client may write that through pods/status, and
// exec or logs would then reach any container on the Docker host (docs/decisions/070).
import type { Pod } from '../../kube/types.js';
import { StatusError } from '../../kube/errors.js';
import type { Stored } from '../../store/store.js';
import type { ContainerInstance, KubeletStreams } from './kubelet-streams.js';

export function chooseContainer(pod: Stored<Pod>, requested: string | null): string {
  // ephemeral containers (kubectl debug) are attached to and read like the others
  const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
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

/** The engine's instances of the container, from the kubelet; 503 when no kubelet is connected. */
export async function containerInstances(kubelet: KubeletStreams | undefined, pod: Stored<Pod>, container: string): Promise<ContainerInstance[]> {
  if (!kubelet) throw new StatusError(503, 'ServiceUnavailable', 'no kubelet is connected to this API server: logs and exec need one');
  try {
    return await kubelet.instances(pod.metadata.uid, container);
  } catch (err) {
    throw new StatusError(503, 'ServiceUnavailable', `could not list the containers of pod "${pod.metadata.name}" on the Docker engine: ${(err as Error).message}`);
  }
}

/**
 * The instance `logs --previous` reads: the newest one before the current that no longer runs; in a
 * crash loop (the newest instance exited, waiting for its restart) that newest one, as the kubelet reads
 * lastState.terminated. Instances newest first.
 */
export function previousInstance(instances: ContainerInstance[]): ContainerInstance | undefined {
  const [newest, ...older] = instances;
  return older.find((c) => !c.running) ?? (newest && !newest.running && newest.finishedAt ? newest : undefined);
}

/** 400 "container x in pod y is waiting to start: ContainerCreating", as the kubelet answers. */
export function waitingToStart(pod: Stored<Pod>, container: string): StatusError {
  // Only the wording of the answer comes from the stored status; which container is acted on never does.
  const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === container);
  const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
  return new StatusError(400, 'BadRequest', `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
}
