// The pod status writer: status_manager.go. Computes each pod's status from the engine's instances, the
// reasons containers wait and the probes' view (pod-status.ts), records it as the kubelet's observation
// (observed-pods.ts, what everything acts on) and then writes it to the store (only a report of it).
// It also keeps the engine's 'die' events: a container reported dead is shown dead at once, before the
// next listing, and a listing begun before its death never shows it running again.
import type { Container, ContainerStatus, Pod } from '../kube/types.js';
import type { ProbeManager } from '../probes/manager.js';
import { timestamp, type Store, type Stored } from '../store/store.js';
import type { ContainerInfo } from '../runtime/runtime.js';
import { groupByContainer } from './container-names.js';
import { ENGINE_CONDITION } from './engine-condition.js';
import type { ObservedPods } from './observed-pods.js';
import { shownInstanceVanished } from './pod-actions.js';
import { SANDBOX_KEY } from './sandbox-actions.js';
import { computePodStatus, containerStatusOf, type ContainerView, type WaitingReason } from './pod-status.js';
import { ephemeralContainersOf, vanished } from './ephemeral-containers.js';

/** The host ports of the pod's sandbox, as a report (`get pod -o yaml`); never read to dial. */
export const PUBLISHED_PORTS_ANNOTATION = 'mini-kube.io/published-ports';

/** 'ready-written' trace of bench/probes: a container's `ready` changed in the store. */
export type ReadyTrace = (podUid: string, containerName: string, ready: boolean) => void;

export interface StatusManagerDeps {
  store: Store;
  observed: ObservedPods;
  probes: Pick<ProbeManager, 'isStarted' | 'isReady'>;
  /** why a container waits, per `${uid}/${name}` (the executor's) */
  waiting: ReadonlyMap<string, WaitingReason>;
  podByUid(uid: string): Stored<Pod> | undefined;
  /** false while the engine does not answer: its condition on the pod must survive a status write */
  engineReachable(): boolean;
  readyTrace?(): ReadyTrace | undefined;
  /** the eviction message of a pod the kubelet evicted (volume-usage.ts), else undefined */
  evicted?(uid: string): string | undefined;
}

export class StatusManager {
  /** the engine's containers of each pod as the last sync listed them (probe fast paths) */
  readonly lastListed = new Map<string, ContainerInfo[]>();
  /** containers whose 'die' event came (id -> when, exit code): a listing begun before must not revive them */
  private readonly died = new Map<string, { at: number; exitCode?: number }>();
  /** containers whose 'oom' event came (it precedes 'die'): their death is shown as OOMKilled at once */
  private readonly oomKilled = new Set<string>();

  constructor(private readonly deps: StatusManagerDeps) {}

  /** The engine says the container started: a death recorded for its id no longer holds. */
  markStarted(containerId: string): void {
    this.died.delete(containerId);
    this.oomKilled.delete(containerId);
  }

  /** The engine's 'oom' event: the container's cgroup ran out of memory and the kernel killed in it. */
  markOomKilled(containerId: string): void {
    this.oomKilled.add(containerId);
  }

  /**
   * A container's 'die' event: the pod's status says so at once, before the listing and the restart (the
   * kubelet too writes the status before acting). Right after this event the engine frees the container's
   * IP for the next container of any cluster on the shared network (docs/decisions/023): the service proxy
   * must stop dialling it now, not a container creation later.
   */
  markDied(uid: string, containerId: string, exitCode?: number): void {
    const now = Date.now();
    for (const [id, d] of this.died) if (now - d.at > 60_000) { this.died.delete(id); this.oomKilled.delete(id); }
    this.died.set(containerId, { at: now, exitCode });
    const listed = this.lastListed.get(uid);
    if (listed?.some((c) => c.id === containerId && c.running)) this.write(uid, groupByContainer(listed));
  }

  /** The instances as listed, less those whose death the engine has reported since. */
  withDeaths(byName: Map<string, ContainerInfo[]>): Map<string, ContainerInfo[]> {
    if (!this.died.size) return byName;
    const out = new Map<string, ContainerInfo[]>();
    for (const [name, list] of byName) {
      out.set(name, list.map((c) => {
        const d = c.running ? this.died.get(c.id) : undefined;
        if (!d) return c;
        return {
          ...c, running: false, status: 'exited', exitCode: d.exitCode ?? c.exitCode, finishedAt: c.finishedAt ?? new Date(d.at).toISOString(),
          oomKilled: c.oomKilled || this.oomKilled.has(c.id),
        };
      }));
    }
    return out;
  }

  /** Computes the status from the instances listed, records it as observed, then writes it to the store. */
  write(uid: string, listed: Map<string, ContainerInfo[]>): void {
    const { store, observed, probes, waiting } = this.deps;
    const pod = this.deps.podByUid(uid);
    if (!pod) return;
    const byName = this.withDeaths(listed);
    const shown = observed.status(uid) ?? pod.status;
    // Containers left in a namespace whose sandbox died have no network (their IP may be someone else's
    // already): not ready, so nothing dials them while the kubelet kills and restarts them.
    const sandboxDown = !byName.get(SANDBOX_KEY)?.[0]?.running;
    const viewOf = (c: Container): ContainerView => {
      const instances = byName.get(c.name) ?? [];
      const latest = instances[0];
      const id = latest?.id ?? '';
      const running = !!latest?.running;
      const prev = [...shown?.containerStatuses ?? [], ...shown?.initContainerStatuses ?? []].find((s) => s.name === c.name);
      return {
        name: c.name,
        image: c.image!,
        instances,
        waiting: running ? undefined : waiting.get(`${uid}/${c.name}`),
        started: running && probes.isStarted(uid, c.name, id),
        ready: running && !sandboxDown && probes.isStarted(uid, c.name, id) && probes.isReady(uid, c.name, id),
        // the count never goes back: kept when the instance the status shows is gone (removed by hand)
        restartFloor: instances.length && !shownInstanceVanished(shown, c.name, instances) ? 0 : prev?.restartCount ?? 0,
      };
    };
    const views = (pod.spec?.containers ?? []).map(viewOf);
    const initViews = (pod.spec?.initContainers ?? []).map(viewOf);
    const ephemeralViews = ephemeralContainersOf(pod).map((c) => viewOf(c as Container));
    // The pod's IP and published ports are its sandbox's (pod-sandbox.ts), kept across container restarts;
    // while it is down, the IP this kubelet saw last (the proxy does not dial it, docs/decisions/023).
    // Never an IP that only the stored status names.
    const sandbox = byName.get(SANDBOX_KEY)?.[0];
    const podIP = (sandbox?.running && sandbox.ip) || observed.status(uid)?.podIP;
    const status = computePodStatus({ ...pod, status: shown }, views, podIP, timestamp(), initViews);
    // ephemeral containers have a status of their own and count for neither phase nor readiness
    if (ephemeralViews.length) status.ephemeralContainerStatuses = ephemeralViews.map((v) => ephemeralStatus(v, shown?.ephemeralContainerStatuses ?? pod.status?.ephemeralContainerStatuses));
    // A sync that read the engine just before it went away must not wipe the "engine unreachable" mark.
    const engineMark = !this.deps.engineReachable() && pod.status?.conditions?.find((x) => x.type === ENGINE_CONDITION);
    if (engineMark) status.conditions = [...(status.conditions ?? []), engineMark];
    // An evicted pod is Failed for good, with the eviction manager's reason, message and condition.
    const evicted = this.deps.evicted?.(uid);
    if (evicted) {
      status.phase = 'Failed';
      status.reason = 'Evicted';
      status.message = evicted;
      const since = shown?.conditions?.find((x) => x.type === 'DisruptionTarget')?.lastTransitionTime ?? timestamp();
      status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== 'DisruptionTarget'),
        { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: evicted, lastTransitionTime: since }];
    }
    // A terminal phase is never left (generateAPIPodStatus refuses the "illegal phase transition"): a pod whose
    // containers are removed after it finished (stopping the control plane removes them) keeps the status it
    // ended with, so a finished Job's pod is not seen, or run, again.
    const terminal = (phase: string | undefined) => phase === 'Succeeded' || phase === 'Failed';
    if (terminal(shown?.phase) && !terminal(status.phase)) return;
    const published = sandbox?.running && Object.keys(sandbox.publishedPorts).length ? JSON.stringify(sandbox.publishedPorts) : undefined;
    // Observed first: a reader woken by the store write below already finds it.
    observed.set(uid, {
      namespace: pod.metadata.namespace!, name: pod.metadata.name, status,
      ...(sandbox?.running ? { publishedPorts: { ...sandbox.publishedPorts } } : {}),
    });
    const trace = this.deps.readyTrace?.();
    store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      if (p.metadata.uid !== uid) return false;
      const sameStatus = JSON.stringify(p.status) === JSON.stringify(status);
      const annotations = p.metadata.annotations ?? {};
      // The annotation reports the published ports to people and tests; nothing reads it to dial.
      const samePorts = annotations[PUBLISHED_PORTS_ANNOTATION] === published || published === undefined;
      if (sameStatus && samePorts) return false;
      const before = p.status?.containerStatuses;
      p.status = status;
      if (trace) {
        for (const cs of status.containerStatuses ?? []) {
          const old = before?.find((b) => b.name === cs.name);
          if (!!old?.ready !== !!cs.ready) trace(uid, cs.name, !!cs.ready);
        }
      }
      if (!samePorts && published) p.metadata.annotations = { ...annotations, [PUBLISHED_PORTS_ANNOTATION]: published };
    });
  }

  forget(uid: string): void {
    this.lastListed.delete(uid);
  }
}

/**
 * An ephemeral container's status. One that ran and whose instance is gone (a restart of the control
 * plane or of the sandbox) keeps its last state, never "creating" again: it is not re-run (pod-actions).
 */
function ephemeralStatus(v: ContainerView, before: ContainerStatus[] | undefined): ContainerStatus {
  const prev = before?.find((s) => s.name === v.name);
  if (!v.instances.length && prev?.containerID) return vanished(prev);
  return { ...containerStatusOf(v), ready: false };
}
