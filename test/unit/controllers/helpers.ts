// Test support for the scheduler's controllers: a fake kubelet that runs pods by writing their status,
// a polling wait, and a Deployment builder.
import type { Deployment, Pod, ReplicaSet } from '../../../src/kube/types.js';
import { timestamp, type Store, type Stored } from '../../../src/store/store.js';

export const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Polls `cond` every few ms until it returns a truthy value; fails with `what` after the timeout. */
export async function waitFor<T>(what: string, cond: () => T | undefined | false, timeoutMs = 4000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(3);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Plays the kubelet: a new pod becomes Running and, if `readyWhen` says so, Ready, a few ms later; a
 * pod with a deletionTimestamp is removed after `deleteDelayMs`. It writes pod status only.
 */
export class FakeKubelet {
  readyWhen: (pod: Stored<Pod>) => boolean = () => true;
  deleteDelayMs = 2;
  private readonly unwatch: () => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deletingSince = new Map<string, number>();
  private stopped = false;

  constructor(private readonly store: Store) {
    this.unwatch = store.watch({ kind: 'Pod' }, (e) => {
      if (e.type !== 'DELETED') this.schedule(e.object.metadata.namespace!, e.object.metadata.name);
    });
  }

  setReadyWhen(pred: (pod: Stored<Pod>) => boolean): void {
    this.readyWhen = pred;
    for (const p of this.store.list('Pod')) this.schedule(p.metadata.namespace!, p.metadata.name);
  }

  stop(): void {
    this.stopped = true;
    this.unwatch();
    for (const t of this.timers) clearTimeout(t);
  }

  private schedule(ns: string, name: string): void {
    const pod = this.store.get<Pod>('Pod', ns, name);
    if (!pod || this.stopped) return;
    const delay = pod.metadata.deletionTimestamp ? this.deleteDelayMs : 1 + Math.floor(Math.random() * 4);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.sync(ns, name);
    }, delay);
    this.timers.add(t);
  }

  private sync(ns: string, name: string): void {
    const pod = this.store.get<Pod>('Pod', ns, name);
    if (!pod || this.stopped) return;
    if (pod.metadata.deletionTimestamp) {
      // Stopping containers takes deleteDelayMs from when the kubelet first saw the deletion.
      const key = `${ns}/${name}`;
      const since = this.deletingSince.get(key) ?? Date.now();
      this.deletingSince.set(key, since);
      if (Date.now() - since < this.deleteDelayMs) return this.schedule(ns, name);
      this.deletingSince.delete(key);
      this.store.delete('Pod', ns, name);
      return;
    }
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return;
    const ready = this.readyWhen(pod);
    const isReady = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (pod.status?.phase === 'Running' && isReady === ready) return;
    const now = timestamp();
    this.store.mutate<Pod>('Pod', ns, name, (p) => {
      p.status = {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }],
        containerStatuses: (p.spec?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          containerID: `docker://${p.metadata.uid}`,
          ready,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
        })),
      };
    });
  }
}

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  strategy?: NonNullable<Deployment['spec']>['strategy'];
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export function deployment(name: string, o: DeploymentOptions = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      ...(o.strategy ? { strategy: o.strategy } : {}),
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'liveness', image: o.image ?? 'registry.k8s.io/busybox', args: ['/bin/sh', '-c', 'sleep 600'] }] },
      },
    },
  };
}

export const pods = (store: Store, app: string): Stored<Pod>[] => store.list<Pod>('Pod', 'default').filter((p) => p.metadata.labels?.['app'] === app);
export const activePods = (store: Store, app: string) => pods(store, app).filter((p) => !p.metadata.deletionTimestamp && !['Failed', 'Succeeded'].includes(p.status?.phase ?? ''));
export const readyPods = (store: Store, app: string) => activePods(store, app).filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
export const replicaSets = (store: Store, app: string): Stored<ReplicaSet>[] => store.list<ReplicaSet>('ReplicaSet', 'default').filter((r) => r.metadata.labels?.['app'] === app);
export const getDeployment = (store: Store, name: string) => store.get<Deployment>('Deployment', 'default', name);
export const events = (store: Store, reason?: string) =>
  store.list<import('../../../src/kube/types.js').Event>('Event', 'default').filter((e) => !reason || e.reason === reason);

export function setImage(store: Store, name: string, image: string): void {
  store.mutate<Deployment>('Deployment', 'default', name, (d) => {
    d.spec!.template.spec!.containers[0]!.image = image;
  });
}

export function setReplicas(store: Store, name: string, replicas: number): void {
  store.mutate<Deployment>('Deployment', 'default', name, (d) => {
    d.spec!.replicas = replicas;
  });
}

/** Deployment rolled out: status counts as wanted and Progressing says the new set is available. */
export function rolledOut(store: Store, name: string, replicas: number): boolean {
  const d = getDeployment(store, name);
  const s = d?.status;
  return !!s && s.observedGeneration === d.metadata.generation && (s.updatedReplicas ?? 0) === replicas && (s.replicas ?? 0) === replicas &&
    (s.availableReplicas ?? 0) === replicas && !!s.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable') &&
    pods(store, name).length === replicas;
}
