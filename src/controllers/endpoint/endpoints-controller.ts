// Keeps one Endpoints object per Service with a selector: ready pods under `addresses`, the others under
// `notReadyAddresses` (terminating pods are dropped unless publishNotReadyAddresses), grouped into
// subsets by their resolved ports as Kubernetes does. Writes only when something changed. Addresses and
// conditions are the kubelet's observations (observed.ts), not the status a client may have written.
import type { EndpointSubset, Endpoints, Pod, Service } from '../../kube/types.js';
import { canonicalJson } from '../../kube/canonical-json.js';
import type { Store, Stored } from '../../store/store.js';
import { endpointsOf, selectsPod, type AddressRule } from '../../kube/endpoints.js';
import { withObservedStatus, type KubeletObservations } from '../../kube/observed.js';

/** `pods` carry the kubelet's observed status (withObservedStatus). */
export function desiredSubsets(svc: Service, pods: Pod[], addressRule?: AddressRule): EndpointSubset[] {
  const groups = new Map<string, EndpointSubset>();
  for (const e of endpointsOf(svc, pods, addressRule)) {
    if (e.terminating && !svc.spec?.publishNotReadyAddresses) continue;
    const ports = (svc.spec?.ports ?? [])
      .filter((p) => e.ports.has(p.name ?? ''))
      .map((p) => ({ ...(p.name ? { name: p.name } : {}), port: e.ports.get(p.name ?? '')!, protocol: p.protocol ?? 'TCP' }));
    const key = JSON.stringify(ports);
    let subset = groups.get(key);
    if (!subset) {
      subset = { ports };
      groups.set(key, subset);
    }
    const address = {
      ip: e.ip,
      ...(e.pod.spec?.nodeName ? { nodeName: e.pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: e.pod.metadata?.namespace, name: e.podName, uid: e.podUid },
    };
    if (e.ready) (subset.addresses ??= []).push(address);
    else (subset.notReadyAddresses ??= []).push(address);
  }
  return [...groups.values()];
}

export class EndpointsController {
  private unwatch: (() => void)[] = [];
  private readonly pending = new Set<string>();
  private scheduled = false;

  constructor(private readonly store: Store, private readonly observed: KubeletObservations) {}

  start(): void {
    // What the kubelet observes changes the endpoints even when the stored status already said so
    // (a control plane that just started, or a status a client forged and the kubelet then restored).
    this.unwatch.push(this.observed.onChange((uid, namespace) => {
      const pod = this.store.list<Pod>('Pod', namespace).find((p) => p.metadata.uid === uid);
      for (const svc of this.store.list<Service>('Service', namespace)) {
        if (!pod || selectsPod(svc, pod)) this.enqueue(`${svc.metadata.namespace}/${svc.metadata.name}`);
      }
    }));
    this.unwatch.push(this.store.watch({ kind: 'Service' }, (e) => {
      const svc = e.object as Stored<Service>;
      this.enqueue(`${svc.metadata.namespace}/${svc.metadata.name}`);
    }));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => {
      const pod = e.object as Stored<Pod>;
      for (const svc of this.store.list<Service>('Service', pod.metadata.namespace)) {
        if (selectsPod(svc, pod)) this.enqueue(`${svc.metadata.namespace}/${svc.metadata.name}`);
      }
    }));
  }

  stop(): void {
    for (const u of this.unwatch) u();
    this.unwatch = [];
  }

  private enqueue(key: string): void {
    this.pending.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    // One pass per tick: a burst of pod changes becomes one write per Service.
    queueMicrotask(() => {
      this.scheduled = false;
      const keys = [...this.pending];
      this.pending.clear();
      for (const k of keys) this.sync(k);
    });
  }

  sync(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.store.get<Service>('Service', namespace, name);
    const existing = this.store.get<Endpoints>('Endpoints', namespace, name);
    if (!svc) {
      // The Endpoints of a deleted Service go with it, as the endpoints controller does.
      if (existing) this.store.delete('Endpoints', namespace, name);
      return;
    }
    if (!svc.spec?.selector || !Object.keys(svc.spec.selector).length) return;
    const subsets = desiredSubsets(svc, withObservedStatus(this.store.list<Pod>('Pod', namespace), this.observed));
    const labels = { ...svc.metadata.labels };
    if (!existing) {
      this.store.create<Endpoints>({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets });
      return;
    }
    if (canonicalJson(existing.subsets ?? []) === canonicalJson(subsets) && canonicalJson(existing.metadata.labels ?? {}) === canonicalJson(labels)) return;
    this.store.mutate<Endpoints>('Endpoints', namespace, name, (ep) => {
      ep.subsets = subsets;
      ep.metadata.labels = labels;
    });
  }
}
