// Event recording for every controller. Repeats of the same reason and message on the same object fold
// into one Event with count and lastTimestamp, which `describe` shows as "(x3 over 15s)".
import { randomBytes } from 'node:crypto';
import type { Event, ObjectReference } from '../kube/types.js';
import type { KubeObject, Store } from './store.js';
import { timestamp } from './store.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
}

import { NODE_NAME } from '../kube/node.js';

export const KUBELET: EventSource = { component: 'kubelet', host: NODE_NAME };
export { NODE_NAME };

export function referenceTo(obj: KubeObject, fieldPath?: string): ObjectReference {
  return {
    kind: obj.kind,
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name,
    uid: obj.metadata?.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata?.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

export function recordEvent(
  store: Store,
  involved: KubeObject,
  type: EventType,
  reason: string,
  message: string,
  opts: { source: EventSource; fieldPath?: string },
): void {
  const ns = involved.metadata?.namespace ?? 'default';
  const ref = referenceTo(involved, opts.fieldPath);
  const now = timestamp();
  const same = store.list<Event>('Event', ns).find((e) =>
    e.involvedObject.uid === ref.uid && e.reason === reason && e.message === message &&
    (e.involvedObject.fieldPath ?? '') === (ref.fieldPath ?? '') && e.type === type);
  if (same) {
    store.update<Event>({ ...same, count: (same.count ?? 1) + 1, lastTimestamp: now });
    return;
  }
  // Kubernetes names events <object>.<hex timestamp>; a random suffix keeps them unique.
  const name = `${involved.metadata?.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`;
  store.create<Event>({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: ref,
    reason,
    message,
    type,
    source: { component: opts.source.component, ...(opts.source.host ? { host: opts.source.host } : {}) },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    reportingComponent: opts.source.component,
    reportingInstance: opts.source.host ?? '',
  });
}
