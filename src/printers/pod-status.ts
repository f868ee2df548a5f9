// The READY, STATUS and RESTARTS cells of `kubectl get pods`: the apiserver's printPod
// (pkg/printers/internalversion/printers.go), ported line for line because users read these three
// columns more than anything else mini-kube prints.
import type { Container, ContainerStatus, Pod, PodCondition } from '../kube/types.js';
import { parseTimestamp, translateTimestampSince } from './age.js';

/** node.NodeUnreachablePodReason: the node controller's reason for pods on a lost node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

export interface PodSummary {
  /** the STATUS column */
  reason: string;
  readyContainers: number;
  totalContainers: number;
  /** the integer behind the RESTARTS column */
  restarts: number;
  /** newest lastState.terminated.finishedAt among the counted containers (ms), if any */
  lastRestart?: number;
}

/** podutil.IsRestartableInitContainer: a sidecar, i.e. an init container with restartPolicy Always. */
function isRestartable(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function conditionTrue(conditions: PodCondition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function lastFinished(cs: ContainerStatus): number | undefined {
  return parseTimestamp(cs.lastState?.terminated?.finishedAt);
}

const later = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Everything printPod derives from a pod's status, computed in the same order as printPod. */
export function summarizePod(pod: Pod): PodSummary {
  const status = pod.status ?? {};
  const spec = pod.spec;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = spec?.containers?.length ?? 0;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;

  let reason = status.phase ?? '';
  if (status.reason) reason = status.reason;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = new Map<string, Container>();
  for (const c of spec?.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartable(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, lastFinished(cs));
    const sidecar = isRestartable(initContainers.get(cs.name));
    if (sidecar) {
      restartableInitRestarts += cs.restartCount ?? 0;
      lastRestartableInitRestart = later(lastRestartableInitRestart, lastFinished(cs));
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      // initialization failed
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Last to first, so the first container's reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, lastFinished(cs));
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated?.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose first container completed but another still runs is not "Completed".
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') {
    reason = 'Terminating';
  }

  return { reason, readyContainers, totalContainers, restarts, ...(lastRestart !== undefined ? { lastRestart } : {}) };
}

/** The STATUS column: Running, ContainerCreating, CrashLoopBackOff, Init:0/1, Completed, Terminating... */
export function podStatusReason(pod: Pod): string {
  return summarizePod(pod).reason;
}

/** The READY column: "ready/total", sidecars included. */
export function podReady(pod: Pod): string {
  const s = summarizePod(pod);
  return `${s.readyContainers}/${s.totalContainers}`;
}

/** The number behind the RESTARTS column. */
export function podRestartCount(pod: Pod): number {
  return summarizePod(pod).restarts;
}

/** The RESTARTS column: "0", or "3 (42s ago)" once a restarted container has a finish time. */
export function podRestarts(pod: Pod, now: Date): string {
  const s = summarizePod(pod);
  if (s.restarts !== 0 && s.lastRestart !== undefined) {
    return `${s.restarts} (${translateTimestampSince(new Date(s.lastRestart).toISOString(), now)} ago)`;
  }
  return String(s.restarts);
}
