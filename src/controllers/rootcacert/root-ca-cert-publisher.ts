// The root-ca-cert-publisher (kube-controller-manager's rootcacertpublisher): every active namespace has
// the ConfigMap kube-root-ca.crt whose ca.crt is the API server's CA, so a pod can verify the API (the
// service-account volume projects it). Recreated when deleted, put back when changed.
import { ROOT_CA_CONFIGMAP, ROOT_CA_KEY } from '../../kube/service-account.js';
import type { ConfigMap } from '../../kube/types.js';
import type { Store } from '../../store/store.js';
import { WorkQueue } from '../util/work-queue.js';
import { ensureInNamespace } from '../util/ensure-in-namespace.js';

const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCACertPublisher {
  private readonly queue = new WorkQueue('root-ca-cert-publisher', (ns) => this.sync(ns));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store, private readonly caPem: string) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'Namespace' }, (e) => {
      if (e.type !== 'DELETED') this.queue.add(e.object.metadata.name);
    }));
    this.unwatch.push(this.store.watch({ kind: 'ConfigMap' }, (e) => {
      if (e.type !== 'ADDED' && e.object.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(e.object.metadata.namespace ?? 'default');
    }));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private sync(namespace: string): void {
    const cm = ensureInNamespace<ConfigMap>(this.store, 'ConfigMap', namespace, ROOT_CA_CONFIGMAP, () => ({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { 'kubernetes.io/description': DESCRIPTION } },
      data: { [ROOT_CA_KEY]: this.caPem },
    }));
    if (!cm || (cm.data?.[ROOT_CA_KEY] === this.caPem && Object.keys(cm.data ?? {}).length === 1 && !cm.binaryData)) return;
    try {
      this.store.mutate<ConfigMap>('ConfigMap', namespace, ROOT_CA_CONFIGMAP, (c) => {
        c.data = { [ROOT_CA_KEY]: this.caPem };
        delete c.binaryData;
      });
    } catch {
      // deleted meanwhile: the DELETED event brings it back
    }
  }
}
