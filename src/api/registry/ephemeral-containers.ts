// pods/{name}/ephemeralcontainers: what the apiserver lets a client write there (the pod strategy's
// EphemeralContainersStrategy and ValidatePodEphemeralContainersUpdate): only spec.ephemeralContainers
// changes, existing ones may be neither changed nor removed, a new one needs a unique name and an image,
// may name a target container, and may not have what an ephemeral container cannot have (ports, probes,
// lifecycle, resources, a restart policy). Defaults as for any container. The privileged settings are
// refused by the store's gate (security.ts lists ephemeral containers too).
import type { Container, Pod } from '../../kube/types.js';
import { invalid, StatusError } from '../../kube/errors.js';
import { canonicalJson } from '../../kube/canonical-json.js';
import { nameProblem } from '../../kube/names.js';
import { defaultContainer } from '../../kube/defaults.js';
import type { StatusCause } from '../../kube/errors.js';
import type { Stored } from '../../store/store.js';

export type EphemeralContainer = Container & { targetContainerName?: string };

/** Fields an ephemeral container may not set (validateEphemeralContainers). */
const NOT_FOR_EPHEMERAL = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'ports', 'resources', 'resizePolicy', 'restartPolicy'] as const;
/** Fields Kubernetes allows that mini-kube does not implement for any container. */
const NOT_IMPLEMENTED = ['volumeDevices'] as const;

/** The pod with `requested` as its ephemeral containers, or a 422 naming every problem. */
export function withEphemeralContainers(current: Stored<Pod>, requested: unknown): Stored<Pod> {
  if (requested !== undefined && requested !== null && !Array.isArray(requested)) {
    throw new StatusError(400, 'BadRequest', 'spec.ephemeralContainers must be a list');
  }
  const list = ((requested ?? []) as EphemeralContainer[]).map((c) => structuredClone(c));
  const existing = (current.spec?.ephemeralContainers ?? []) as EphemeralContainer[];
  const causes: StatusCause[] = [];
  const path = 'spec.ephemeralContainers';
  const byName = new Map(list.map((c) => [c?.name, c]));
  for (const old of existing) {
    const now = byName.get(old.name);
    if (!now) causes.push({ field: path, reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers "${old.name}" may not be removed` });
    else if (canonicalJson(withDefaults(now)) !== canonicalJson(old)) causes.push({ field: path, reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers "${old.name}" may not be changed` });
  }
  const names = new Set([...current.spec?.containers ?? [], ...current.spec?.initContainers ?? []].map((c) => c.name));
  const volumes = new Set((current.spec?.volumes ?? []).map((v) => v.name));
  const targets = [...current.spec?.containers ?? [], ...current.spec?.initContainers ?? []].map((c) => c.name);
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!c || typeof c !== 'object') {
      causes.push({ field: at, reason: 'FieldValueInvalid', message: 'Invalid value: must be an object' });
      return;
    }
    if (existing.some((o) => o.name === c.name)) {
      names.add(c.name);
      return;
    }
    if (!c.name) causes.push({ field: `${at}.name`, reason: 'FieldValueRequired', message: 'Required value' });
    else {
      const problem = nameProblem(c.name, true);
      if (problem) causes.push({ field: `${at}.name`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(c.name)}: ${problem}` });
      if (names.has(c.name)) causes.push({ field: `${at}.name`, reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(c.name)}` });
      names.add(c.name);
    }
    if (!c.image) causes.push({ field: `${at}.image`, reason: 'FieldValueRequired', message: 'Required value' });
    for (const f of NOT_FOR_EPHEMERAL) {
      if (isSet(c[f])) causes.push({ field: `${at}.${f}`, reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set for an Ephemeral Container' });
    }
    for (const f of NOT_IMPLEMENTED) {
      if (isSet(c[f])) causes.push({ field: `${at}.${f}`, reason: 'FieldValueForbidden', message: `Forbidden: mini-kube does not implement ${at}.${f}` });
    }
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!volumes.has(m.name)) causes.push({ field: `${at}.volumeMounts[${j}].name`, reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(m.name)}` });
      if (m.subPath) causes.push({ field: `${at}.volumeMounts[${j}].subPath`, reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set for an Ephemeral Container' });
    });
    if (c.targetContainerName !== undefined && !targets.includes(c.targetContainerName)) {
      causes.push({ field: `${at}.targetContainerName`, reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(c.targetContainerName)}` });
    }
  });
  if (causes.length) throw invalid('Pod', '', current.metadata.name, causes);
  const next = structuredClone(current);
  next.spec = { ...next.spec!, ephemeralContainers: list.map(withDefaults) as Container[] };
  if (!list.length) delete next.spec.ephemeralContainers;
  return next;
}

/** Set as Go's validation sees it: a zero value (kubectl sends `resources: {}`) is not set. */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function withDefaults(c: EphemeralContainer): EphemeralContainer {
  const out = structuredClone(c);
  defaultContainer(out);
  return out;
}
