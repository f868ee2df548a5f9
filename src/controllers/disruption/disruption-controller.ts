// The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status (expected
// pods, currentHealthy, desiredHealthy, disruptionsAllowed, the DisruptionAllowed condition) current with
// its pods, so that the eviction subresource (api/handlers/eviction.ts) can answer from it. Evicted pods
// the API recorded in disruptedPods do not count as healthy until they are gone.
import type { Pod, PodDisruptionBudget, ReplicaSet } from '../../kube/types.js';
import { pdbCounts, pdbSelects } from '../../kube/disruption.js';
import { canonicalJson } from '../../kube/canonical-json.js';
import type { Store, Stored } from '../../store/store.js';
import { timestamp } from '../../store/store.js';
import { controllerRefOf } from '../util/owner-refs.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';

/** DeletionTimeout: an eviction the pod never followed stops counting after two minutes. */
const DELETION_TIMEOUT_MS = 2 * 60_000;

export class DisruptionController {
  private readonly queue = new WorkQueue('disruption', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'PodDisruptionBudget' }, (e) => {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name));
    }));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => {
      const pod = e.object as Stored<Pod>;
      for (const pdb of this.store.list<PodDisruptionBudget>('PodDisruptionBudget', pod.metadata.namespace)) {
        if (pdbSelects(pdb, pod)) this.queue.add(keyOf(pdb.metadata.namespace, pdb.metadata.name));
      }
    }));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  /** The replicas the selected pods' controllers want (getExpectedScale), or undefined for bare pods. */
  private expectedScale(pods: Pod[]): number | undefined {
    const owners = new Map<string, number>();
    for (const p of pods) {
      const ref = controllerRefOf(p);
      if (!ref || ref.kind !== 'ReplicaSet') return undefined;
      const rs = this.store.get<ReplicaSet>('ReplicaSet', p.metadata?.namespace, ref.name);
      if (!rs || rs.metadata.uid !== ref.uid) return undefined;
      owners.set(rs.metadata.uid, rs.spec?.replicas ?? 1);
    }
    return [...owners.values()].reduce((a, b) => a + b, 0);
  }

  sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const pdb = this.store.get<PodDisruptionBudget>('PodDisruptionBudget', namespace, name);
    if (!pdb) return undefined;
    const pods = this.store.list<Pod>('Pod', namespace).filter((p) => pdbSelects(pdb, p));
    const now = Date.now();
    const disrupted: Record<string, string> = {};
    let recheck: number | undefined;
    for (const [podName, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const pod = pods.find((p) => p.metadata.name === podName);
      const age = now - Date.parse(at);
      if (!pod || pod.metadata.deletionTimestamp || age >= DELETION_TIMEOUT_MS) continue;
      disrupted[podName] = at;
      recheck = Math.min(recheck ?? Infinity, DELETION_TIMEOUT_MS - age);
    }
    const counted = pods.filter((p) => !(p.metadata.name in disrupted));
    const c = pdbCounts(pdb, counted, this.expectedScale(pods));
    const allowed = c.disruptionsAllowed > 0;
    const oldCondition = pdb.status?.conditions?.find((x) => x.type === 'DisruptionAllowed');
    const status = {
      observedGeneration: pdb.metadata.generation ?? 1,
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: c.disruptionsAllowed,
      currentHealthy: c.currentHealthy,
      desiredHealthy: c.desiredHealthy,
      expectedPods: c.expectedPods,
      conditions: [{
        type: 'DisruptionAllowed', status: allowed ? 'True' : 'False', reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '',
        observedGeneration: pdb.metadata.generation ?? 1,
        lastTransitionTime: oldCondition && oldCondition.status === (allowed ? 'True' : 'False') ? oldCondition.lastTransitionTime : timestamp(),
      }],
    };
    if (canonicalJson(pdb.status ?? {}) !== canonicalJson(status)) {
      this.store.mutate<PodDisruptionBudget>('PodDisruptionBudget', namespace, name, (b) => { b.status = status; });
    }
    return recheck;
  }
}
