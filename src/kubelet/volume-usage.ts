// The eviction manager's local-storage check for emptyDir (pkg/kubelet/eviction, emptyDirLimitEviction):
// a disk emptyDir with a sizeLimit is measured periodically (the sandbox holds every such volume mounted,
// volumes.ts, so `du` runs there with the sandbox's busybox), and a pod whose usage exceeds the limit is
// evicted (docs/decisions/133).
import type * as core from 'kubernetes-types/core/v1.js';
import type { Pod } from '../kube/types.js';
import { parseQuantity } from '../manifests/quantity.js';
import type { Runtime } from '../runtime/runtime.js';

/** Where the sandbox mounts the pod's emptyDirs it holds (memory-backed, or disk with a sizeLimit). */
export const SANDBOX_VOLUMES_DIR = '/.mini-kube-volumes';

/** The disk emptyDirs with a sizeLimit: what the eviction manager measures. */
export function sizeLimitedEmptyDirs(pod: Pod): core.Volume[] {
  return (pod.spec?.volumes ?? []).filter((v) => v.emptyDir && v.emptyDir.medium !== 'Memory' && v.emptyDir.sizeLimit !== undefined);
}

/** The kubelet's message for an emptyDir over its limit. */
export function emptyDirLimitMessage(volume: string, limit: string | number): string {
  return `Usage of EmptyDir volume "${volume}" exceeds the limit "${String(limit)}".`;
}

/** Bytes used under a directory of the sandbox (`du -s -k`), or undefined when it cannot be measured. */
async function usageBytes(runtime: Runtime, sandboxId: string, dir: string): Promise<number | undefined> {
  const r = await runtime.exec(sandboxId, ['/bin/busybox', 'du', '-s', '-k', dir], { timeoutMs: 10_000, maxOutputBytes: 4096 }).catch(() => undefined);
  if (!r || r.exitCode !== 0) return undefined;
  const kib = Number(r.output.toString('utf8').trim().split(/\s+/)[0]);
  return Number.isFinite(kib) ? kib * 1024 : undefined;
}

/** The eviction message when one of the pod's size-limited emptyDirs is over its limit, else undefined. */
export async function emptyDirOverLimit(runtime: Runtime, sandboxId: string, pod: Pod): Promise<string | undefined> {
  for (const v of sizeLimitedEmptyDirs(pod)) {
    const limit = parseQuantity(v.emptyDir!.sizeLimit!);
    if (limit === undefined) continue;
    const used = await usageBytes(runtime, sandboxId, `${SANDBOX_VOLUMES_DIR}/${v.name}`);
    if (used !== undefined && used > limit) return emptyDirLimitMessage(v.name, v.emptyDir!.sizeLimit!);
  }
  return undefined;
}
