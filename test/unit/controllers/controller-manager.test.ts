import { afterEach, describe, expect, it } from 'vitest';
import { startControllers, type RunningControllers } from '../../../src/controllers/controller-manager.js';
import type { Pod } from '../../../src/kube/types.js';
import { Store } from '../../../src/store/store.js';

// The kubelet is the one pod binder (docs/decisions/095): the controller manager must not bind as well,
// or a pod would get two Scheduled events from two components.
describe('controller manager', () => {
  let controllers: RunningControllers | undefined;
  afterEach(() => controllers?.stop());

  it('leaves an unbound pod unbound and records no Scheduled event', async () => {
    const store = new Store();
    controllers = startControllers(store);
    store.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await new Promise((r) => setTimeout(r, 50));
    expect(store.get<Pod>('Pod', 'default', 'p')?.spec?.nodeName).toBeUndefined();
    expect(store.list('Event', 'default').filter((e) => (e as { reason?: string }).reason === 'Scheduled')).toEqual([]);
  });
});
