// The kubelet's volume manager for the volumes whose files it writes itself: configMap, secret,
// downwardAPI and projected (docs/decisions/130). Each lives in a per-pod directory under the cluster's home,
// <home>/pods/<uid>/volumes/kubernetes.io~<plugin>/<volume> (the pod directory 0700: the files are for the
// pod, not for other users of the machine), written by the atomic writer and bind-mounted read-only into
// the containers that mount it (volumes.ts). setUp runs at every sync of the pod, before its sandbox:
//   - a required object or key that is missing fails the sync as the kubelet's WaitForAttachAndMount does
//     (FailedMount, the pod stays ContainerCreating) until the object appears (the kubelet watches it);
//   - a running pod's files follow its ConfigMaps and Secrets (live update: the kubelet syncs the pods that
//     refer to a changed object at once), and tokens are renewed when due (renewInMs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as core from 'kubernetes-types/core/v1.js';
import type { Pod } from '../kube/types.js';
import type { ServiceAccountTokenSource } from '../kube/service-account-token.js';
import type { ConfigSource } from './env.js';
import { withFsGroup, writeAtomic } from './volume-files.js';
import { projectedPayload, type ProjectionDeps } from './volume-projected.js';
import { configMapPayload, DEFAULT_MODE, downwardAPIPayload, secretPayload, type Payload } from './volume-sources.js';

type Volume = core.Volume;

export type FileVolumeKind = 'configMap' | 'secret' | 'downwardAPI' | 'projected';
const PLUGIN_DIR: Record<FileVolumeKind, string> = {
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

/** The kind of a volume whose files the kubelet writes, or undefined (emptyDir). */
export function fileVolumeKind(v: Volume): FileVolumeKind | undefined {
  return (['configMap', 'secret', 'downwardAPI', 'projected'] as const).find((k) => v[k] !== undefined);
}

export function podDir(podsDir: string, uid: string): string {
  return path.join(podsDir, uid);
}

/** Where a file volume of a pod lives on the machine. */
export function fileVolumeDir(podsDir: string, uid: string, v: Volume): string {
  return path.join(podDir(podsDir, uid), 'volumes', PLUGIN_DIR[fileVolumeKind(v)!], v.name);
}

export type SetUpResult =
  | { ok: true; /** a token must be renewed in this many ms: sync again then */ renewInMs?: number }
  | { ok: false; volume: string; message: string };

export interface PodVolumeManagerOptions {
  /** <home>/pods */
  podsDir: string;
  config: ConfigSource;
  /** the cluster's token issuer for serviceAccountToken sources; without it those mounts fail */
  tokens?: ServiceAccountTokenSource;
  now?: () => number;
}

export class PodVolumeManager {
  private readonly tokenCache: ProjectionDeps['tokenCache'] = new Map();

  constructor(private readonly opts: PodVolumeManagerOptions) {}

  get podsDir(): string {
    return this.opts.podsDir;
  }

  /** Writes every file volume of the pod (unchanged ones are left alone); the first failure stops it. */
  async setUp(pod: Pod): Promise<SetUpResult> {
    const uid = pod.metadata!.uid!;
    const files = (pod.spec?.volumes ?? []).filter((v) => fileVolumeKind(v));
    if (!files.length) return { ok: true };
    const now = this.opts.now ?? Date.now;
    fs.mkdirSync(this.opts.podsDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(podDir(this.opts.podsDir, uid), { recursive: true, mode: 0o700 });
    let renew: number | undefined;
    for (const v of files) {
      const payload = await this.payload(pod, v);
      if (!payload.ok) return { ok: false, volume: v.name, message: payload.message };
      if (payload.renewAt !== undefined) renew = Math.min(renew ?? Infinity, payload.renewAt);
      const owned = withFsGroup(payload.files, pod.spec?.securityContext?.fsGroup);
      writeAtomic(fileVolumeDir(this.opts.podsDir, uid, v), owned.payload, undefined, owned.gid);
    }
    return { ok: true, ...(renew !== undefined ? { renewInMs: Math.max(1000, renew - now()) } : {}) };
  }

  private async payload(pod: Pod, v: Volume): Promise<Payload & { renewAt?: number }> {
    const ns = pod.metadata?.namespace ?? 'default';
    const c = this.opts.config;
    if (v.configMap) return configMapPayload(v.configMap, c.configMap(ns, v.configMap.name ?? ''), v.configMap.defaultMode ?? DEFAULT_MODE);
    if (v.secret) return secretPayload(v.secret.secretName ?? '', v.secret, c.secret(ns, v.secret.secretName ?? ''), v.secret.defaultMode ?? DEFAULT_MODE);
    if (v.downwardAPI) return downwardAPIPayload(pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE);
    return projectedPayload(pod, v.name, v.projected!, {
      configMap: (n, name) => c.configMap(n, name),
      secret: (n, name) => c.secret(n, name),
      tokens: this.opts.tokens,
      tokenCache: this.tokenCache,
      now: this.opts.now ?? Date.now,
    });
  }

  /** Removes a pod's files and forgets its tokens (the pod is gone). */
  cleanup(uid: string): void {
    fs.rmSync(podDir(this.opts.podsDir, uid), { recursive: true, force: true });
    for (const k of this.tokenCache.keys()) if (k.startsWith(`${uid}/`)) this.tokenCache.delete(k);
  }

  /** The uids that have a pod directory (for orphan removal). */
  podUids(): string[] {
    try {
      return fs.readdirSync(this.opts.podsDir);
    } catch {
      return [];
    }
  }
}

/** True when the pod's volumes (not subPath files: those are never updated) read this ConfigMap or Secret. */
export function volumesRefer(pod: Pod, kind: 'ConfigMap' | 'Secret', name: string): boolean {
  for (const v of pod.spec?.volumes ?? []) {
    if (kind === 'ConfigMap' && v.configMap?.name === name) return true;
    if (kind === 'Secret' && v.secret?.secretName === name) return true;
    for (const s of v.projected?.sources ?? []) {
      if (kind === 'ConfigMap' && s.configMap?.name === name) return true;
      if (kind === 'Secret' && s.secret?.name === name) return true;
    }
  }
  return false;
}
