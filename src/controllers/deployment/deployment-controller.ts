// The Deployment controller: for each Deployment, a ReplicaSet per pod template (<name>-<hash>), rolled
// over by the RollingUpdate or Recreate strategy, scaled with spec.replicas, old sets pruned to
// revisionHistoryLimit, and a status that `kubectl rollout status` can follow. It writes ReplicaSets and
// the Deployment's status and revision annotation only; the ReplicaSet controller makes the pods.
import type { Deployment, Pod, ReplicaSet } from '../../kube/types.js';
import { fromLabelSelector, matches, selectorMatches } from '../../kube/labels.js';
import { recordEvent } from '../../store/events.js';
import type { Store, WatchEvent } from '../../store/store.js';
import { getCondition, newCondition, Reason, setCondition } from './conditions.js';
import { PodIndex, type DeploymentContext, type RS } from './context.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { DEPLOYMENT_CONTROLLER, isScalingEvent, syncScale } from './sync.js';
import { writeStatus } from './status.js';
import { hasSelector, isRollingUpdate, minReadySeconds, progressDeadlineSeconds } from './util.js';
import { adopt, controllerRefOf, release } from '../util/owner-refs.js';
import { nextAvailableIn } from '../../kube/pod.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';

export { DEPLOYMENT_CONTROLLER };

export class DeploymentController {
  private readonly queue = new WorkQueue('deployment-controller', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  /** Watching from no resourceVersion replays every object as ADDED: the initial full resync. */
  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'Deployment' }, (e) => this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name))));
    this.unwatch.push(this.store.watch({ kind: 'ReplicaSet' }, (e) => this.onReplicaSet(e as WatchEvent<ReplicaSet>)));
    // Pods decide availability, which a rolling update waits on.
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => this.onPod(e as WatchEvent<Pod>)));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onReplicaSet(e: WatchEvent<ReplicaSet>): void {
    const rs = e.object;
    const ns = rs.metadata.namespace;
    const ref = controllerRefOf(rs);
    if (ref) {
      if (ref.kind === 'Deployment') this.queue.add(keyOf(ns, ref.name));
      return;
    }
    // An orphan set: any Deployment whose selector matches may adopt it.
    if (e.type === 'DELETED') return;
    for (const d of this.store.list<Deployment>('Deployment', ns)) {
      if (hasSelector(d) && selectorMatches(d.spec?.selector, rs.metadata.labels)) this.queue.add(keyOf(ns, d.metadata.name));
    }
  }

  private onPod(e: WatchEvent<Pod>): void {
    const ns = e.object.metadata.namespace;
    const rsRef = controllerRefOf(e.object);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = this.store.get<ReplicaSet>('ReplicaSet', ns, rsRef.name);
    const dRef = rs && controllerRefOf(rs);
    if (dRef?.kind === 'Deployment') this.queue.add(keyOf(ns, dRef.name));
  }

  /** syncDeployment: one reconcile; returns a requeue delay for minReadySeconds or the progress deadline. */
  private sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const stored = this.store.get<Deployment>('Deployment', namespace, name);
    // Gone: its ReplicaSets are the garbage collector's.
    if (!stored) return undefined;
    // Being deleted (in the foreground, its ReplicaSets go first): no rollout may make new ones.
    if (stored.metadata.deletionTimestamp) return undefined;
    const d = structuredClone(stored);
    d.status ??= {};
    const ctx: DeploymentContext = { store: this.store, d, pods: new PodIndex(this.store.list<Pod>('Pod', namespace)), now: Date.now() };

    if (!hasSelector(d)) {
      // A Deployment with an empty selector would take over every pod of the namespace.
      recordEvent(this.store, stored, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', {
        source: DEPLOYMENT_CONTROLLER,
      });
      writeStatus(ctx, { ...d.status, observedGeneration: d.metadata.generation });
      return undefined;
    }

    const rsList = claimReplicaSets(ctx);
    checkPausedConditions(ctx);
    const requeue = d.spec?.paused || isScalingEvent(ctx, rsList)
      ? syncScale(ctx, rsList)
      : isRollingUpdate(d) ? rolloutRolling(ctx, rsList) : rolloutRecreate(ctx, rsList);
    return earliest(requeue, this.availabilityRequeue(ctx));
  }

  /** While a ready pod waits out minReadySeconds, nothing else may change: look again when it is done. */
  private availabilityRequeue(ctx: DeploymentContext): number | undefined {
    if (!minReadySeconds(ctx.d)) return undefined;
    const pods = claimedPods(ctx);
    return nextAvailableIn(pods, minReadySeconds(ctx.d), ctx.now);
  }
}

function claimedPods(ctx: DeploymentContext): Pod[] {
  const sets = ctx.store.list<ReplicaSet>('ReplicaSet', ctx.d.metadata.namespace).filter((rs) => controllerRefOf(rs)?.uid === ctx.d.metadata.uid);
  return sets.flatMap((rs) => ctx.pods.active(rs));
}

/** checkPausedConditions: Progressing Unknown "DeploymentPaused" / "DeploymentResumed". */
function checkPausedConditions(ctx: DeploymentContext): void {
  const { d } = ctx;
  if (progressDeadlineSeconds(d) === undefined) return;
  const cond = getCondition(d.status, 'Progressing');
  // A timed-out rollout keeps saying so.
  if (cond?.reason === Reason.ProgressDeadlineExceeded) return;
  const pausedExists = cond?.reason === Reason.DeploymentPaused;
  if (d.spec?.paused && !pausedExists) {
    setCondition(d.status!, newCondition('Progressing', 'Unknown', Reason.DeploymentPaused, 'Deployment is paused'));
  } else if (!d.spec?.paused && pausedExists) {
    setCondition(d.status!, newCondition('Progressing', 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed'));
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** getReplicaSetsForDeployment: its own sets that still match, plus matching orphans (adopted). */
export function claimReplicaSets(ctx: DeploymentContext): RS[] {
  const { store, d } = ctx;
  const selector = fromLabelSelector(d.spec?.selector);
  const out: RS[] = [];
  for (const rs of store.list<ReplicaSet>('ReplicaSet', d.metadata.namespace)) {
    const ref = controllerRefOf(rs);
    const match = matches(selector, rs.metadata.labels);
    if (ref) {
      if (ref.uid !== d.metadata.uid) continue;
      if (match) out.push(rs);
      else release(store, 'ReplicaSet', rs, d);
      continue;
    }
    if (!match || !hasSelector(d)) continue;
    const adopted = adopt(store, 'ReplicaSet', rs, d);
    if (adopted) out.push(adopted);
  }
  return out;
}
