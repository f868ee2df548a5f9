// A pod's volumes on the engine, and each container's mounts of them.
//   - emptyDir is a named Docker volume per pod and volume (docs/decisions/120), labelled with the cluster
//     and the pod's uid: every container of the pod mounts the same one, so the containers share its
//     files, a restarted container finds them again, and the volume goes with the pod. `medium: Memory` is
//     the same with the local driver's tmpfs (decision 133), which the pod's sandbox also mounts so the
//     tmpfs stays mounted (and its files kept) while the app containers restart.
//   - configMap, secret, downwardAPI and projected volumes are directories the kubelet writes under the
//     cluster's home (volume-manager.ts), bind-mounted read-only (decision 130).
//   - persistentVolumeClaim is the named Docker volume of the claim's PV (volume-claims.ts, docs/storage.md),
//     made by the provisioner or, for a PV written by hand, by the kubelet; it outlives the pod.
//   - subPath/subPathExpr (decision 132) mount one path inside a file volume: resolved through the atomic
//     writer's symlinks when the container is created, so the file is not updated later (as on Kubernetes).
import * as fs from 'node:fs';
import { totalmem } from 'node:os';
import * as path from 'node:path';
import type * as core from 'kubernetes-types/core/v1.js';
import type { Container, Pod } from '../kube/types.js';
import { parseQuantity } from '../manifests/quantity.js';
import { LABEL_CLUSTER, LABEL_POD_UID, type Runtime, type VolumeMountSpec } from '../runtime/runtime.js';
import { expandVars } from './env.js';
import type { ClaimMount } from './volume-claims.js';
import { fileVolumeDir, fileVolumeKind } from './volume-manager.js';
import { SANDBOX_VOLUMES_DIR, sizeLimitedEmptyDirs } from './volume-usage.js';

/** The pod volume a Docker volume backs. */
export const LABEL_VOLUME = 'io.mini-kube.volume';


/** k8s_<volume>_<pod>_<namespace>_<uid>, as the containers are named; unique per pod (the uid). */
export function emptyDirVolumeName(pod: Pod, volume: string): string {
  const m = pod.metadata!;
  return `k8s_${volume}_${m.name}_${m.namespace ?? 'default'}_${m.uid}`;
}

function emptyDirs(pod: Pod): core.Volume[] {
  return (pod.spec?.volumes ?? []).filter((v) => v.emptyDir);
}

/**
 * The size of a memory-backed emptyDir's tmpfs, as the kubelet sizes it (SizeMemoryBackedVolumes): the
 * smaller of sizeLimit and the pod's memory limit (the sum of its containers' limits when all have one),
 * else the node's memory.
 */
export function tmpfsSizeBytes(pod: Pod, v: core.Volume): number {
  const containers = pod.spec?.containers ?? [];
  const limits = containers.map((c) => c.resources?.limits?.['memory']);
  const podLimit = limits.length && limits.every((l) => l !== undefined)
    ? limits.reduce((sum: number, l) => sum + (parseQuantity(l!) ?? 0), 0)
    : totalmem();
  const sizeLimit = v.emptyDir?.sizeLimit !== undefined ? parseQuantity(v.emptyDir.sizeLimit) : undefined;
  return Math.min(podLimit, sizeLimit ?? Infinity);
}

/** Creates the pod's emptyDir volumes that are not there yet (before its sandbox and containers). */
export async function ensurePodVolumes(runtime: Runtime, clusterId: string, pod: Pod): Promise<void> {
  for (const v of emptyDirs(pod)) {
    const memory = v.emptyDir?.medium === 'Memory';
    await runtime.ensureVolume(emptyDirVolumeName(pod, v.name), {
      [LABEL_CLUSTER]: clusterId, [LABEL_POD_UID]: pod.metadata!.uid!, [LABEL_VOLUME]: v.name,
    }, memory ? { tmpfs: { sizeBytes: tmpfsSizeBytes(pod, v) } } : {});
  }
}

/**
 * The sandbox's mounts: every memory-backed emptyDir, so its tmpfs lives as long as the pod, and every
 * disk emptyDir with a sizeLimit, which the eviction check measures there (volume-usage.ts).
 */
export function sandboxMounts(pod: Pod): VolumeMountSpec[] {
  const limited = new Set(sizeLimitedEmptyDirs(pod).map((v) => v.name));
  return emptyDirs(pod).filter((v) => v.emptyDir?.medium === 'Memory' || limited.has(v.name)).map((v) => ({
    volume: emptyDirVolumeName(pod, v.name), target: `${SANDBOX_VOLUMES_DIR}/${v.name}`, readOnly: false,
  }));
}

export type MountsResult = { ok: true; mounts: VolumeMountSpec[] } | { ok: false; message: string };

/**
 * The container's volumeMounts as engine mounts (makeMounts in kubelet_pods.go). `env` is the container's
 * environment, which subPathExpr expands. A subPath that is missing in a file volume is made a directory,
 * as the kubelet does.
 */
export function mountsOf(
  pod: Pod, c: Container, podsDir: string, env: { name: string; value: string }[] = [], claims: ReadonlyMap<string, ClaimMount> = new Map(),
): MountsResult {
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const out: VolumeMountSpec[] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) continue;
    let subPath = m.subPath ?? '';
    if (m.subPathExpr) subPath = expandVars(m.subPathExpr, vars);
    if (subPath) {
      if (path.isAbsolute(subPath)) return { ok: false, message: `error SubPath \`${subPath}\` must not be an absolute path` };
      if (subPath.split('/').includes('..')) return { ok: false, message: `unable to provision SubPath \`${subPath}\`: must not contain '..'` };
    }
    if (v.emptyDir) {
      // admission refuses a subPath on an emptyDir (decision 132); a subPathExpr is refused here
      if (subPath) return { ok: false, message: `failed to prepare subPath for volumeMount "${m.name}" of container "${c.name}": mini-kube does not mount a sub-path of an emptyDir` };
      out.push({ volume: emptyDirVolumeName(pod, v.name), target: m.mountPath, readOnly: m.readOnly === true });
      continue;
    }
    if (v.persistentVolumeClaim) {
      // the claim's PV's Docker volume (volume-claims.ts); a sub-path is refused at admission, as on an emptyDir
      const claim = claims.get(v.name);
      if (!claim) return { ok: false, message: `volume "${m.name}": persistentVolumeClaim "${v.persistentVolumeClaim.claimName}" is not mounted yet` };
      if (subPath) return { ok: false, message: `failed to prepare subPath for volumeMount "${m.name}" of container "${c.name}": mini-kube does not mount a sub-path of a persistentVolumeClaim` };
      out.push({ volume: claim.dockerVolume, target: m.mountPath, readOnly: m.readOnly === true || claim.readOnly });
      continue;
    }
    if (!fileVolumeKind(v)) continue;
    const dir = fileVolumeDir(podsDir, pod.metadata!.uid!, v);
    let source = dir;
    if (subPath) {
      const full = path.join(dir, subPath);
      try {
        if (!fs.existsSync(full)) fs.mkdirSync(full, { recursive: true, mode: 0o755 });
        // the bind gets the file the symlinks name now: a later update of the volume does not reach it
        const realDir = fs.realpathSync(dir);
        const rel = path.relative(realDir, fs.realpathSync(full));
        if (!rel || rel.split(path.sep)[0] === '..' || path.isAbsolute(rel)) throw new Error('the path is outside the volume');
        source = path.join(dir, rel);
      } catch (err) {
        return { ok: false, message: `failed to prepare subPath for volumeMount "${m.name}" of container "${c.name}": ${(err as Error).message}` };
      }
    }
    // configMap, secret, downwardAPI and projected volumes are always mounted read-only (Kubernetes 1.9.4 on)
    out.push({ bind: source, target: m.mountPath, readOnly: true });
  }
  return { ok: true, mounts: out };
}

/** Removes the pod's volumes (its containers are gone). */
export function removePodVolumes(runtime: Runtime, clusterId: string, uid: string): Promise<string[]> {
  return runtime.removeVolumes({ [LABEL_CLUSTER]: clusterId, [LABEL_POD_UID]: uid });
}
