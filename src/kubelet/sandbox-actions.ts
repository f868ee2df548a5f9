// What the kubelet does with a pod's sandbox, decided without doing it: the sandbox half of
// kuberuntime_manager.go's computePodActions (podSandboxChanged, KillPod, CreateSandbox). Pure; the pod's
// sandbox instances and app container instances go in, the sandbox to create, the app instances to stop
// and the dead instances to remove come out. pod-sandbox.ts carries it out; the table of decisions is
// test/unit/kubelet/sandbox-actions.test.ts.
import type { Pod } from '../kube/types.js';
import { LABEL_SANDBOX, type ContainerInfo } from '../runtime/runtime.js';
import { attemptOf } from './container-names.js';

/** groupByContainer files sandboxes under '' (they carry no container-name label; no container is named '') */
export const SANDBOX_KEY = '';

export function isSandbox(c: ContainerInfo): boolean {
  return c.labels[LABEL_SANDBOX] === 'true';
}

export interface SandboxActionsInput {
  pod: Pod;
  /** the pod's sandbox instances, newest attempt first */
  sandboxes: readonly ContainerInfo[];
  /** the pod's app container instances, by container name */
  apps: ReadonlyMap<string, readonly ContainerInfo[]>;
}

export interface SandboxActions {
  /** the running sandbox the pod's containers join; undefined while there is none */
  running?: ContainerInfo;
  /** make a sandbox with this attempt (after the kills and removals) */
  create?: { attempt: number };
  /** an earlier sandbox existed: the SandboxChanged event */
  changed: boolean;
  /** app instances running in a namespace that lost its sandbox: stopped (the pod is killed) */
  kill: ContainerInfo[];
  /** the killed instances are restarted by the next decision, whatever their exit code */
  restartKilled: boolean;
  /** dead sandboxes, and app instances created in one but never started (they could never start) */
  remove: ContainerInfo[];
}

export function computeSandboxActions(input: SandboxActionsInput): SandboxActions {
  const latest = input.sandboxes[0];
  if (latest?.running) return { running: latest, changed: false, kill: [], restartKilled: false, remove: [] };
  const apps = [...input.apps.values()].flat();
  const policy = input.pod.spec?.restartPolicy ?? 'Always';
  const attempt = latest ? attemptOf(latest) + 1 : 0;
  const out: SandboxActions = {
    changed: latest !== undefined,
    kill: apps.filter((c) => c.running),
    restartKilled: policy !== 'Never',
    remove: [...input.sandboxes, ...apps.filter((c) => c.status === 'created')],
  };
  // A pod that never restarts is not given a second sandbox once its containers ran: it is killed and
  // its phase follows from their exits (computePodActions: !shouldRestartOnFailure && attempt != 0).
  if (policy === 'Never' && attempt !== 0 && apps.length > 0) return out;
  return { ...out, create: { attempt } };
}
