// A container's ID as the pod status spells it: "<runtime>://<engine id>" (kubecontainer.ContainerID), the
// only runtime here being Docker. One home for the prefix, so the kubelet that writes it and the probes,
// the port resolver and the tests that read it back can never disagree.
export const DOCKER_ID_PREFIX = 'docker://';

/**
 * `docker://3f2a...` (pod status form) → `3f2a...` (the engine's ID), whatever the runtime type, as
 * ParseContainerID reads "<type>://<id>"; a bare ID passes through.
 */
export function parseContainerId(raw: string): string {
  const i = raw.indexOf('://');
  return i >= 0 ? raw.slice(i + 3) : raw;
}

/** parseContainerId for an optional status field: undefined when there is no ID (yet). */
export function containerIdOf(containerID: string | undefined): string | undefined {
  return containerID ? parseContainerId(containerID) : undefined;
}
