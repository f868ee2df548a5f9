// The Scheduler over an in-memory store: binds a pending pod (spec.nodeName, PodScheduled, Scheduled
// event); a pod that fits nowhere gets FailedScheduling and PodScheduled=False, and is bound once a node
// that fits appears; pods for another scheduler and bound pods are left alone.
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import type { Event, Node, Pod } from '../../../src/kube/types.js';

const node = (name: string, cpu = '2'): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { allocatable: { cpu, memory: '4Gi', pods: '110' } } });
const pod = (name: string, cpu: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu } } }], ...spec }, status: { phase: 'Pending' },
});
const settle = async (s: Scheduler) => { for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 5)); s.runQueue(); } };

let scheduler: Scheduler | undefined;
afterEach(() => scheduler?.stop());

describe('Scheduler', () => {
  it('binds, reports what does not fit, and retries when a node appears', async () => {
    const store = new Store();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    store.create(node('small', '1'));
    scheduler = new Scheduler({ store, initialBackoffMs: 0 });
    scheduler.start();
    store.create(pod('fits', '500m'));
    store.create(pod('big', '3'));
    store.create(pod('other', '1m', { schedulerName: 'someone-else' }));
    store.create(pod('pinned', '1m', { nodeName: 'elsewhere' }));
    await settle(scheduler);
    const get = (n: string) => store.get<Pod>('Pod', 'default', n)!;
    expect(get('fits').spec!.nodeName).toBe('small');
    expect(get('fits').status!.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]);
    expect(get('big').spec!.nodeName).toBeUndefined();
    const message = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    expect(get('big').status!.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message })]);
    const events = store.list<Event>('Event').map((e) => `${e.involvedObject.name} ${e.reason} ${e.source?.component}: ${e.message}`);
    expect(events).toContain('fits Scheduled default-scheduler: Successfully assigned default/fits to small');
    expect(events).toContain(`big FailedScheduling default-scheduler: ${message}`);
    expect(get('other').spec!.nodeName).toBeUndefined();
    expect(get('pinned').spec!.nodeName).toBe('elsewhere');
    store.create(node('large', '8'));
    await settle(scheduler);
    expect(get('big').spec!.nodeName).toBe('large');
  });

  it('keeps scheduling when a stored pod no admission let in makes a plugin throw', async () => {
    const store = new Store();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    store.create(node('only'));
    scheduler = new Scheduler({ store, initialBackoffMs: 0 });
    scheduler.start();
    // as planted in the store's files (test/integration/security-inputs.test.ts): never through admission
    store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nospec', namespace: 'default' }, status: { phase: 'Pending' } } as Pod);
    store.create(pod('odd', '1m', { tolerations: 5 as unknown as [] }));
    store.create(pod('fine', '1m'));
    await settle(scheduler);
    const get = (n: string) => store.get<Pod>('Pod', 'default', n)!;
    expect(get('fine').spec!.nodeName).toBe('only');
    // the pod without a spec is bound: the kubelet reports it on itself (FailedSync), as before the scheduler
    expect(get('nospec').spec?.nodeName).toBe('only');
    expect(get('odd').spec!.nodeName).toBeUndefined();
    expect(get('odd').status!.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: expect.stringMatching(/^the pod cannot be scheduled: /) })]);
  });
});
