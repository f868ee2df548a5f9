// Lookups the CLI and the library both need: the pods behind a Deployment/ReplicaSet (`logs deploy/x`,
// cluster.pods('x')) and the events of one object (`describe`, cluster.events()).
import { codeUnitOrder } from '../kube/code-unit-order.js';
import { formatSelector } from '../kube/labels.js';
import type { Deployment, Event, Pod, ReplicaSet } from '../kube/types.js';
import type { Kind } from '../kube/kinds.js';
import type { Stored } from '../store/store.js';
import type { ApiClient } from './api-client.js';

/** Pods selected by the owner's selector, sorted by name; terminating ones left out unless asked. */
export async function podsOf(client: ApiClient, kind: Kind, namespace: string, name: string, opts: { terminating?: boolean } = {}): Promise<Stored<Pod>[]> {
  const owner = await client.get<Deployment | ReplicaSet>(kind, namespace, name);
  return podsBySelector(client, namespace, formatSelector(owner.spec?.selector), opts);
}

export async function podsBySelector(client: ApiClient, namespace: string, labelSelector: string, opts: { terminating?: boolean } = {}): Promise<Stored<Pod>[]> {
  const pods = (await client.list<Pod>('Pod', { namespace, labelSelector })).items;
  return pods
    .filter((p) => opts.terminating || !p.metadata.deletionTimestamp)
    .sort((a, b) => codeUnitOrder(a.metadata.name, b.metadata.name));
}

/** Events whose involvedObject is this object (name, namespace, uid; kind too when asked), oldest first. */
export async function eventsFor(client: ApiClient, obj: Stored, opts: { withKind?: boolean } = {}): Promise<Stored<Event>[]> {
  const m = obj.metadata;
  const fs = [`involvedObject.name=${m.name}`, `involvedObject.namespace=${m.namespace}`, `involvedObject.uid=${m.uid}`];
  if (opts.withKind) fs.push(`involvedObject.kind=${obj.kind}`);
  return sortEvents((await client.list<Event>('Event', { namespace: m.namespace, fieldSelector: fs.join(',') })).items);
}

export function sortEvents<T extends Event>(events: T[]): T[] {
  const at = (e: Event) => String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '');
  return [...events].sort((a, b) => codeUnitOrder(at(a), at(b)));
}

