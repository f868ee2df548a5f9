// What the files of a configMap, secret or downwardAPI volume are (the payload the atomic writer writes), as
// the kubelet's volume plugins make it (pkg/volume/configmap, secret, downwardapi MakePayload): every key,
// or only `items` (key -> path, mode); modes from items[].mode, else defaultMode (0644); a missing object
// or key fails the mount with the plugin's message unless `optional`. Pure: the objects come from the caller.
import type { ConfigMap, Container, Pod, Secret } from '../kube/types.js';
import type * as core from 'kubernetes-types/core/v1.js';
import { resourceFieldValue } from './env.js';
import type { FileProjection } from './volume-files.js';

export type Payload = { ok: true; files: Map<string, FileProjection> } | { ok: false; message: string };

/** The Kubernetes default of defaultMode (0644) for configMap, secret, downwardAPI and projected volumes. */
export const DEFAULT_MODE = 0o644;

type KeyToPath = core.KeyToPath;

/** Keys (with their bytes) -> files; `items` select and rename; a missing item key fails unless optional. */
function project(
  data: Map<string, Buffer>, items: readonly KeyToPath[] | undefined, defaultMode: number, optional: boolean,
  missingKey: (key: string) => string,
): Payload {
  const files = new Map<string, FileProjection>();
  if (!items?.length) {
    for (const [k, v] of data) files.set(k, { data: v, mode: defaultMode });
    return { ok: true, files };
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      return { ok: false, message: missingKey(it.key) };
    }
    files.set(it.path, { data: v, mode: it.mode ?? defaultMode });
  }
  return { ok: true, files };
}

export function configMapData(cm: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

export function secretData(s: Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  // stringData is merged into data by the API; a stored object may still carry it
  for (const [k, v] of Object.entries(s.stringData ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}

export function configMapPayload(
  src: { name?: string; items?: readonly KeyToPath[]; optional?: boolean }, cm: ConfigMap | undefined, defaultMode: number,
): Payload {
  const optional = src.optional === true;
  if (!cm) return optional ? { ok: true, files: new Map() } : { ok: false, message: `configmap "${src.name ?? ''}" not found` };
  return project(configMapData(cm), src.items, defaultMode, optional, (k) => `configmap references non-existent config key: ${k}`);
}

export function secretPayload(
  name: string, src: { items?: readonly KeyToPath[]; optional?: boolean }, secret: Secret | undefined, defaultMode: number,
): Payload {
  const optional = src.optional === true;
  if (!secret) return optional ? { ok: true, files: new Map() } : { ok: false, message: `secret "${name}" not found` };
  return project(secretData(secret), src.items, defaultMode, optional, (k) => `references non-existent secret key: ${k}`);
}

/** fieldpath.FormatMap: `key="value"` lines, keys sorted, values quoted. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

/** The value of a downwardAPI volume item's fieldRef (ExtractFieldPathAsString), or undefined when unsupported. */
export function downwardFieldValue(pod: Pod, fieldPath: string): string | undefined {
  const m = pod.metadata ?? {};
  switch (fieldPath) {
    case 'metadata.name': return m.name ?? '';
    case 'metadata.namespace': return m.namespace ?? 'default';
    case 'metadata.uid': return m.uid ?? '';
    case 'metadata.labels': return formatMap(m.labels);
    case 'metadata.annotations': return formatMap(m.annotations);
    default: {
      const sub = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
      if (sub) return (sub[1] === 'labels' ? m.labels : m.annotations)?.[sub[2]!] ?? '';
      return undefined;
    }
  }
}

export function downwardAPIPayload(pod: Pod, items: readonly core.DownwardAPIVolumeFile[] | undefined, defaultMode: number): Payload {
  const files = new Map<string, FileProjection>();
  for (const it of items ?? []) {
    let value: string | undefined;
    if (it.fieldRef) {
      value = downwardFieldValue(pod, it.fieldRef.fieldPath);
      if (value === undefined) return { ok: false, message: `unsupported fieldPath: ${it.fieldRef.fieldPath}` };
    } else if (it.resourceFieldRef) {
      const c = (pod.spec?.containers ?? []).find((x) => x.name === it.resourceFieldRef!.containerName)
        ?? (pod.spec?.initContainers ?? []).find((x) => x.name === it.resourceFieldRef!.containerName);
      if (!c) return { ok: false, message: `container ${it.resourceFieldRef.containerName ?? ''} not found` };
      value = resourceFieldValue(pod, c as Container, it.resourceFieldRef);
    } else continue;
    files.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode });
  }
  return { ok: true, files };
}
