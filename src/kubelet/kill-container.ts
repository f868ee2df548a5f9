// Stopping one container as the kubelet's killContainer (kuberuntime_container.go): the Killing event,
// the preStop hook within the grace period (its failure is the FailedPreStopHook event and the kill goes
// on), the wait for its turn when the pod stops in order (native sidecars last), then SIGTERM with the
// grace left and SIGKILL after it. The arithmetic is pod-actions.ts's (runsPreStop, graceLeft, stopGrace).
import type { Container, Pod } from '../kube/types.js';
import type { Runtime } from '../runtime/runtime.js';
import { runLifecycleHandler, type HookDeps } from './lifecycle-hooks.js';
import { graceLeft, runsPreStop, stopGrace } from './pod-actions.js';

export interface KillDeps extends Omit<HookDeps, 'event'> {
  runtime: Pick<Runtime, 'exec' | 'stopContainer'>;
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, containerName?: string): void;
}

export interface KillRequest {
  /** the container's spec (undefined for an instance whose container left the spec: no hook to run) */
  spec: Container | undefined;
  name: string;
  containerId: string;
  graceSeconds: number;
  /** the Killing event's message */
  message: string;
  /** termination ordering: resolves once this container's turn came, within `seconds` (resolves then anyway) */
  waitForTurn?(seconds: number): Promise<void>;
}

/** Kills one container; resolves once it has exited. */
export async function killContainer(deps: KillDeps, pod: Pod, k: KillRequest): Promise<void> {
  deps.event(pod, 'Normal', 'Killing', k.message, k.name);
  let grace = k.graceSeconds;
  if (runsPreStop(k.spec, grace)) grace = graceLeft(grace, await executePreStopHook(deps, pod, k, grace));
  if (k.waitForTurn && grace > 0) {
    const began = Date.now();
    await k.waitForTurn(grace);
    grace = graceLeft(grace, (Date.now() - began) / 1000);
  }
  await deps.runtime.stopContainer(k.containerId, stopGrace(grace));
}

/**
 * executePreStopHook: runs the hook for at most the grace period; returns the seconds it took. A hook still
 * running then is left behind (the kubelet only logs it) and the container is stopped anyway.
 */
async function executePreStopHook(deps: KillDeps, pod: Pod, k: KillRequest, graceSeconds: number): Promise<number> {
  const began = Date.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceSeconds * 1000);
  });
  const hook = runLifecycleHandler({ ...deps, event: (p, type, reason, message) => deps.event(p, type, reason, message, k.name) },
    pod, k.spec!, k.containerId, k.spec!.lifecycle!.preStop!, abort.signal);
  const result = await Promise.race([hook, outOfTime]);
  clearTimeout(timer);
  if (result === 'timeout') abort.abort();
  else if (!result.ok) deps.event(pod, 'Warning', 'FailedPreStopHook', result.message, k.name);
  return (Date.now() - began) / 1000;
}
