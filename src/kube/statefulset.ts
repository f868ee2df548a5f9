// A StatefulSet's identities (pkg/controller/statefulset/stateful_set_utils.go): pod names `<set>-<ordinal>`,
// claim names `<template>-<set>-<ordinal>`, the labels every pod carries, and the volumes a pod gets for the
// set's volumeClaimTemplates. One home: the controller, validation and the printers read them here.
import type { PersistentVolumeClaim, PodTemplateSpec, StatefulSet } from './types.js';

export const LABEL_POD_NAME = 'statefulset.kubernetes.io/pod-name';
export const LABEL_POD_INDEX = 'apps.kubernetes.io/pod-index';
export const LABEL_REVISION_HASH = 'controller-revision-hash';

export const STS_DEFAULTS = {
  podManagementPolicy: 'OrderedReady',
  updateStrategyType: 'RollingUpdate',
  partition: 0,
  revisionHistoryLimit: 10,
  retention: 'Retain',
} as const;

export function podName(setName: string, ordinal: number): string {
  return `${setName}-${ordinal}`;
}

export function claimName(template: string, setName: string, ordinal: number): string {
  return `${template}-${setName}-${ordinal}`;
}

/** The ordinal of a pod of this set, or -1 (getParentNameAndOrdinal: `<parent>-<n>` exactly). */
export function ordinalOf(setName: string, podName: string): number {
  if (!podName.startsWith(`${setName}-`)) return -1;
  const rest = podName.slice(setName.length + 1);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

/** The first ordinal (spec.ordinals.start, StatefulSetStartOrdinal is GA in 1.31). */
export function startOrdinal(sts: StatefulSet): number {
  return sts.spec?.ordinals?.start ?? 0;
}

/**
 * The template with a persistentVolumeClaim volume per claim template (updateStorage): a template volume of
 * the same name is replaced, as the controller does. `claimNameOf` gives the claim for each template name.
 */
export function withClaimVolumes(
  template: PodTemplateSpec, claims: readonly PersistentVolumeClaim[], claimNameOf: (name: string) => string = (n) => n,
): PodTemplateSpec {
  if (!claims.length) return template;
  const names = new Set(claims.map((c) => c.metadata?.name ?? ''));
  const spec = template.spec ?? { containers: [] };
  const volumes = (spec.volumes ?? []).filter((v) => !names.has(v.name));
  for (const c of claims) {
    const name = c.metadata?.name ?? '';
    volumes.push({ name, persistentVolumeClaim: { claimName: claimNameOf(name) } });
  }
  return { ...template, spec: { ...spec, volumes } };
}
