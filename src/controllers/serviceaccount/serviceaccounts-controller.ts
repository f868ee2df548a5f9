// The serviceaccounts controller (kube-controller-manager's serviceaccount/serviceaccounts_controller.go):
// every active namespace has a ServiceAccount "default"; a new namespace gets one, a deleted one comes
// back. A terminating namespace is left alone (the namespace controller is emptying it).
import { DEFAULT_SERVICE_ACCOUNT } from '../../kube/service-account.js';
import type { ServiceAccount } from '../../kube/types.js';
import type { Store } from '../../store/store.js';
import { WorkQueue } from '../util/work-queue.js';
import { ensureInNamespace } from '../util/ensure-in-namespace.js';

export class ServiceAccountsController {
  private readonly queue = new WorkQueue('serviceaccounts', (ns) => this.sync(ns));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'Namespace' }, (e) => {
      if (e.type !== 'DELETED') this.queue.add(e.object.metadata.name);
    }));
    this.unwatch.push(this.store.watch({ kind: 'ServiceAccount' }, (e) => {
      if (e.type === 'DELETED' && e.object.metadata.name === DEFAULT_SERVICE_ACCOUNT) this.queue.add(e.object.metadata.namespace ?? 'default');
    }));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private sync(namespace: string): void {
    ensureInNamespace<ServiceAccount>(this.store, 'ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT, () => ({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace },
    }));
  }
}
