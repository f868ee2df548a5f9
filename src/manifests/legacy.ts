// Deployments written for apiVersions that real clusters stopped serving in 1.16 (extensions/v1beta1,
// apps/v1beta1, apps/v1beta2). mini-kube still reads them, as a 1.15 cluster did: it applies that
// version's own defaults (which differ from apps/v1), then converts the object to apps/v1.
import type { Deployment } from '../kube/types.js';
import type { LegacyDeploymentVersion } from './constants.js';
import { isPlainObject } from './unknown-fields.js';

const MAX_INT32 = 2147483647;

export interface LegacyConversion {
  object: Deployment;
  /** notes about fields the conversion dropped */
  notes: string[];
}

/** Converts in place and returns the same object typed as apps/v1. */
export function convertLegacyDeployment(obj: Record<string, unknown>, version: LegacyDeploymentVersion): LegacyConversion {
  const notes: string[] = [];
  const d = obj as Deployment;
  d.metadata ??= {};
  d.spec ??= { selector: {}, template: {} };
  const spec = d.spec as Deployment['spec'] & { rollbackTo?: unknown };
  const templateLabels = spec!.template?.metadata?.labels;

  // extensions/v1beta1 and apps/v1beta1 SetDefaults_Deployment: selector and labels from the template.
  if (version !== 'apps/v1beta2' && templateLabels && Object.keys(templateLabels).length > 0) {
    if (!spec!.selector || !isPlainObject(spec!.selector)) spec!.selector = { matchLabels: { ...templateLabels } };
    if (!d.metadata.labels || Object.keys(d.metadata.labels).length === 0) d.metadata.labels = { ...templateLabels };
  }
  spec!.replicas ??= 1;
  spec!.strategy ??= {};
  spec!.strategy.type ||= 'RollingUpdate';
  if (spec!.strategy.type === 'RollingUpdate' || spec!.strategy.rollingUpdate) {
    spec!.strategy.rollingUpdate ??= {};
    const step = version === 'extensions/v1beta1' ? 1 : '25%';
    spec!.strategy.rollingUpdate.maxUnavailable ??= step;
    spec!.strategy.rollingUpdate.maxSurge ??= step;
  }
  if (version === 'extensions/v1beta1') {
    // "MaxInt32, which has the same meaning as unset": keep every old ReplicaSet, never time out.
    spec!.revisionHistoryLimit ??= MAX_INT32;
    spec!.progressDeadlineSeconds ??= MAX_INT32;
  } else {
    spec!.revisionHistoryLimit ??= version === 'apps/v1beta1' ? 2 : 10;
    spec!.progressDeadlineSeconds ??= 600;
  }
  if (spec!.rollbackTo !== undefined) {
    delete spec!.rollbackTo;
    notes.push('spec.rollbackTo does not exist in apps/v1 and was dropped (use `kubectl rollout undo`)');
  }
  d.apiVersion = 'apps/v1';
  return { object: d, notes };
}
