// Which kind and version an object claims to be, and whether mini-kube serves it: the REST mapping step
// that makes kubectl print `no matches for kind "Deployment" in version "extensions/v1beta1"`.
import {
  LEGACY_DEPLOYMENT_VERSIONS, SERVED_VERSION, SUPPORTED_KINDS, type LegacyDeploymentVersion, type SupportedKind,
} from './constants.js';

export type TypeMeta =
  | { ok: true; kind: SupportedKind; apiVersion: string; legacy?: LegacyDeploymentVersion }
  | { ok: false; field: 'kind' | 'apiVersion'; message: string; hint?: string; unsupportedKind?: boolean };

export function resolveTypeMeta(apiVersion: unknown, kind: unknown): TypeMeta {
  if (typeof kind !== 'string' || kind === '') {
    return {
      ok: false, field: 'kind', message: 'kind is missing: every manifest needs "apiVersion" and "kind"',
      hint: 'start the document with e.g. "apiVersion: apps/v1" and "kind: Deployment"',
    };
  }
  const supported = SUPPORTED_KINDS.find((k) => k === kind);
  if (!supported) {
    const near = SUPPORTED_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
    return {
      ok: false, field: 'kind', unsupportedKind: true,
      message: `kind ${kind} is not supported by mini-kube (supported: ${SUPPORTED_KINDS.join(', ')})`,
      hint: near ? `kinds are case-sensitive: did you mean "kind: ${near}"?` : undefined,
    };
  }
  const served = SERVED_VERSION[supported];
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    return {
      ok: false, field: 'apiVersion', message: `apiVersion is missing for kind ${supported}`,
      hint: `write "apiVersion: ${served}"`,
    };
  }
  if (apiVersion === served) return { ok: true, kind: supported, apiVersion };
  const legacy = supported === 'Deployment' ? LEGACY_DEPLOYMENT_VERSIONS.find((v) => v === apiVersion) : undefined;
  if (legacy) return { ok: true, kind: supported, apiVersion, legacy };
  return {
    ok: false, field: 'apiVersion', message: `no matches for kind "${supported}" in version "${apiVersion}"`,
    hint: `mini-kube serves ${supported} as ${served}: write "apiVersion: ${served}"`,
  };
}

export function noMatchesForLegacy(kind: string, version: string): { message: string; hint: string } {
  return {
    message: `no matches for kind "${kind}" in version "${version}"`,
    hint: `real Kubernetes clusters stopped serving ${version} in 1.16; write "apiVersion: apps/v1" (apps/v1 requires spec.selector matching the template labels)`,
  };
}

export function legacyWarning(kind: string, name: string | undefined, version: string): string {
  return `${kind} ${name ? `"${name}" ` : ''}uses apiVersion ${version}, which real Kubernetes clusters refuse since 1.16; `
    + 'mini-kube converted it to apps/v1 — write "apiVersion: apps/v1" to be portable';
}
