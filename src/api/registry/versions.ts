// A kind served at a version other than the one it is stored at (kube/kinds.ts ALTERNATE_VERSIONS):
// bodies are converted to the stored version as they arrive, objects to the URL's version as they leave,
// as the apiserver's conversion does between a request's version and the storage version.
import { byKind, type ResourceType } from '../../kube/kinds.js';
import { hpaFromV1, hpaToV1, HPA_V1 } from '../../kube/hpa.js';
import type { KubeObject } from '../../store/store.js';

/** The table's (stored) form of `t`. */
export function storedType(t: ResourceType): ResourceType {
  return byKind(t.kind) ?? t;
}

/** true when the URL's version is not the stored one */
export function isAlternate(t: Pick<ResourceType, 'kind'> & Partial<ResourceType>): boolean {
  return t.version !== undefined && byKind(t.kind)?.version !== t.version;
}

/** A stored object as the URL's version shows it. */
export function toServed<T extends KubeObject>(t: Pick<ResourceType, 'kind'> & Partial<ResourceType>, obj: T): T {
  if (!isAlternate(t) || obj.kind !== t.kind) return obj;
  if (t.kind === 'HorizontalPodAutoscaler' && `${t.group}/${t.version}` === HPA_V1) return hpaToV1(obj) as T;
  return obj;
}

/** A request body (in the URL's version, or any served one) as the stored version. */
export function toStored(t: ResourceType, body: Record<string, unknown>): Record<string, unknown> {
  if (t.kind === 'HorizontalPodAutoscaler' && body['apiVersion'] === HPA_V1) return hpaFromV1(body);
  return body;
}
