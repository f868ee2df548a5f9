// A projected volume's payload (pkg/volume/projected collectData): its sources' files merged into one
// directory — configMap, secret and downwardAPI as in volume-sources.ts, and serviceAccountToken, a
// pod-bound token asked of the cluster's token issuer and renewed before 80% of its lifetime, as the
// kubelet's token manager does (pkg/kubelet/token: requiresRefresh). Without an issuer the mount fails.
import type * as core from 'kubernetes-types/core/v1.js';
import type { ConfigMap, Pod, Secret } from '../kube/types.js';
import type { ServiceAccountToken, ServiceAccountTokenSource } from '../kube/service-account-token.js';
import type { FileProjection } from './volume-files.js';
import { configMapPayload, DEFAULT_MODE, downwardAPIPayload, secretPayload, type Payload } from './volume-sources.js';

/** the API's default of serviceAccountToken.expirationSeconds (defaulting writes it; a stored pod may lack it) */
export const DEFAULT_TOKEN_SECONDS = 3600;

export interface ProjectionDeps {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  tokens?: ServiceAccountTokenSource;
  /** the token cache: key -> token and when it must be renewed (ms since the epoch) */
  tokenCache: Map<string, { token: ServiceAccountToken; renewAt: number }>;
  now(): number;
}

/** When the kubelet renews a token: at 80% of its lifetime from the request (and at 24 h at the latest). */
export function renewAt(requestedAt: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - requestedAt);
  return requestedAt + Math.min(lifetime * 0.8, 24 * 3600_000);
}

export async function projectedPayload(
  pod: Pod, volume: string, src: core.ProjectedVolumeSource, deps: ProjectionDeps,
): Promise<Payload & { renewAt?: number }> {
  const ns = pod.metadata?.namespace ?? 'default';
  const defaultMode = src.defaultMode ?? DEFAULT_MODE;
  const files = new Map<string, FileProjection>();
  let renew: number | undefined;
  const merge = (p: Payload): string | undefined => {
    if (!p.ok) return p.message;
    for (const [k, v] of p.files) files.set(k, v);
    return undefined;
  };
  for (const [i, s] of (src.sources ?? []).entries()) {
    let failed: string | undefined;
    if (s.configMap) failed = merge(configMapPayload(s.configMap, deps.configMap(ns, s.configMap.name ?? ''), defaultMode));
    else if (s.secret) failed = merge(secretPayload(s.secret.name ?? '', s.secret, deps.secret(ns, s.secret.name ?? ''), defaultMode));
    else if (s.downwardAPI) failed = merge(downwardAPIPayload(pod, s.downwardAPI.items, defaultMode));
    else if (s.serviceAccountToken) {
      const t = s.serviceAccountToken;
      const key = `${pod.metadata?.uid}/${volume}/${i}`;
      let cached = deps.tokenCache.get(key);
      if (!cached || deps.now() >= cached.renewAt) {
        if (!deps.tokens) return { ok: false, message: 'failed to fetch token: this cluster has no service account token issuer' };
        const requestedAt = deps.now();
        try {
          const token = await deps.tokens.requestToken({
            namespace: ns,
            serviceAccountName: pod.spec?.serviceAccountName ?? 'default',
            audiences: t.audience ? [t.audience] : [],
            expirationSeconds: t.expirationSeconds ?? DEFAULT_TOKEN_SECONDS,
            podName: pod.metadata?.name ?? '',
            podUid: pod.metadata?.uid ?? '',
          });
          cached = { token, renewAt: renewAt(requestedAt, Date.parse(token.expirationTimestamp)) };
          deps.tokenCache.set(key, cached);
        } catch (err) {
          return { ok: false, message: `failed to fetch token: ${(err as Error).message}` };
        }
      }
      files.set(t.path, { data: Buffer.from(cached.token.token, 'utf8'), mode: defaultMode });
      renew = Math.min(renew ?? Infinity, cached.renewAt);
    }
    if (failed) return { ok: false, message: failed };
  }
  return { ok: true, files, ...(renew !== undefined ? { renewAt: renew } : {}) };
}
