// A container's security settings as the kubelet derives them: the pod's securityContext defaults the
// container's (pkg/securitycontext DetermineEffectiveSecurityContext), fsGroup and supplementalGroups are
// supplementary groups, and runAsNonRoot is verified against the user the image runs as before creating
// the container (kuberuntime_container_linux.go verifyRunAsNonRoot), with the kubelet's own messages.
import type { Container, Pod } from '../kube/types.js';
import type { ContainerSecurity } from '../runtime/runtime.js';

export interface EffectiveSecurity {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
}

export function effectiveSecurity(pod: Pod, c: Container): EffectiveSecurity {
  const p = pod.spec?.securityContext ?? {};
  const s = c.securityContext ?? {};
  const out: EffectiveSecurity = {};
  const runAsUser = s.runAsUser ?? p.runAsUser;
  const runAsGroup = s.runAsGroup ?? p.runAsGroup;
  const runAsNonRoot = s.runAsNonRoot ?? p.runAsNonRoot;
  if (runAsUser !== undefined) out.runAsUser = runAsUser;
  if (runAsGroup !== undefined) out.runAsGroup = runAsGroup;
  if (runAsNonRoot !== undefined) out.runAsNonRoot = runAsNonRoot;
  return out;
}

/** Whether the image's USER matters: runAsNonRoot to verify, or runAsGroup without runAsUser. */
export function needsImageUser(pod: Pod, c: Container): boolean {
  const eff = effectiveSecurity(pod, c);
  return eff.runAsNonRoot === true || (eff.runAsGroup !== undefined && eff.runAsUser === undefined);
}

/** format.Pod: name_namespace(uid), as the kubelet names a pod in its messages. */
function podRef(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? 'default'}(${pod.metadata?.uid ?? ''})`;
}

/**
 * Why the container may not run under runAsNonRoot (the waiting message of CreateContainerConfigError),
 * or undefined when it may. `imageUser` is the image's USER ("", "1000", "1000:1000", "node").
 */
export function verifyRunAsNonRoot(pod: Pod, c: Container, imageUser: string): string | undefined {
  const eff = effectiveSecurity(pod, c);
  if (!eff.runAsNonRoot) return undefined;
  const who = `(pod: ${JSON.stringify(podRef(pod))}, container: ${c.name})`;
  if (eff.runAsUser !== undefined) {
    return eff.runAsUser === 0 ? `container's runAsUser breaks non-root policy ${who}` : undefined;
  }
  const user = imageUser.split(':')[0] ?? '';
  if (user !== '' && !/^[0-9]+$/.test(user)) {
    return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root ${who}`;
  }
  if (user === '' || Number(user) === 0) return `container has runAsNonRoot and image will run as root ${who}`;
  return undefined;
}

/** The engine-facing settings of the container's effective security context. */
export function containerSecurity(pod: Pod, c: Container, imageUser: string): ContainerSecurity {
  const eff = effectiveSecurity(pod, c);
  const s = c.securityContext ?? {};
  const psc = pod.spec?.securityContext ?? {};
  const out: ContainerSecurity = {};
  if (eff.runAsUser !== undefined || eff.runAsGroup !== undefined) {
    // runAsGroup alone keeps the image's user, as the CRI runtimes do
    const user = eff.runAsUser !== undefined ? String(eff.runAsUser) : imageUser.split(':')[0] || '0';
    out.user = eff.runAsGroup !== undefined ? `${user}:${eff.runAsGroup}` : user;
  }
  const groups = [...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])];
  if (groups.length) out.groupAdd = [...new Set(groups)].map(String);
  if (s.readOnlyRootFilesystem) out.readOnlyRootfs = true;
  if (s.capabilities?.add?.length) out.capAdd = [...s.capabilities.add];
  if (s.capabilities?.drop?.length) out.capDrop = [...s.capabilities.drop];
  if (s.allowPrivilegeEscalation === false) out.noNewPrivileges = true;
  if (s.privileged) out.privileged = true;
  if (pod.spec?.hostPID) out.hostPID = true;
  if (pod.spec?.hostIPC) out.hostIPC = true;
  return out;
}
