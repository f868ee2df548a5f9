// The engine's named volumes that back a pod's emptyDir volumes (docs/decisions/120): created with the
// cluster's and the pod's labels, found and removed by those labels only, so nothing mini-kube did not
// make is ever touched. `medium: Memory` is the local driver's tmpfs (docs/decisions/133): the only driver
// options this module ever sets, so a volume never binds a path of the machine.
import type Docker from 'dockerode';
import { engineMessage, isNotFound } from './engine-errors.js';
import { LABEL_CLUSTER, type VolumeOptions } from './runtime.js';

const VOLUME_CALL_TIMEOUT_MS = 30_000;

/** Creates the named volume, or finds it already there (the engine answers an existing name with it). */
export async function ensureVolume(docker: Docker, name: string, labels: Record<string, string>, opts: VolumeOptions = {}): Promise<void> {
  if (!labels[LABEL_CLUSTER]) throw new Error(`refusing to create docker volume ${name} without the ${LABEL_CLUSTER} label`);
  const size = opts.tmpfs?.sizeBytes;
  const driverOpts = opts.tmpfs
    ? { type: 'tmpfs', device: 'tmpfs', o: size !== undefined ? `size=${Math.max(4096, Math.floor(size))}` : '' }
    : undefined;
  if (driverOpts && !driverOpts.o) delete (driverOpts as { o?: string }).o;
  try {
    await docker.createVolume({
      Name: name, Labels: labels, ...(driverOpts ? { Driver: 'local', DriverOpts: driverOpts } : {}),
      abortSignal: AbortSignal.timeout(VOLUME_CALL_TIMEOUT_MS),
    } as Docker.VolumeCreateOptions);
  } catch (err) {
    throw new Error(`creating docker volume ${name}: ${engineMessage(err)}`, { cause: err });
  }
}

/**
 * Removes every volume carrying all these labels (which must include the cluster's) and, when given, the
 * label `withLabel` whatever its value (a pod's emptyDirs, not the cluster's PersistentVolumes); returns their names.
 */
export async function removeVolumes(docker: Docker, labels: Record<string, string>, withLabel?: string): Promise<string[]> {
  if (!labels[LABEL_CLUSTER]) throw new Error(`refusing to remove docker volumes without the ${LABEL_CLUSTER} label`);
  const label = [...Object.entries(labels).map(([k, v]) => `${k}=${v}`), ...(withLabel ? [withLabel] : [])];
  const listed = await docker.listVolumes({ filters: JSON.stringify({ label }), abortSignal: AbortSignal.timeout(VOLUME_CALL_TIMEOUT_MS) } as object);
  const removed: string[] = [];
  for (const v of listed.Volumes ?? []) {
    // the engine filtered by label already; checked again because removal cannot be undone
    if (!Object.entries(labels).every(([k, val]) => v.Labels?.[k] === val)) continue;
    if (withLabel && v.Labels?.[withLabel] === undefined) continue;
    try {
      await docker.getVolume(v.Name).remove({ abortSignal: AbortSignal.timeout(VOLUME_CALL_TIMEOUT_MS) } as object);
      removed.push(v.Name);
    } catch (err) {
      if (!isNotFound(err)) throw new Error(`removing docker volume ${v.Name}: ${engineMessage(err)}`, { cause: err });
    }
  }
  return removed;
}
