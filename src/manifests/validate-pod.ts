// Pod and PodSpec validation (ValidatePodCreate / ValidatePodSpec / ValidatePodTemplateSpec): volumes,
// containers, restart and DNS policy, grace periods, node selector.
import type { Pod, PodSpec, PodTemplateSpec } from '../kube/types.js';
import { FieldPath } from './field-path.js';
import {
  duplicateField, forbiddenField, invalidField, notSupportedField, requiredField, type FieldError,
} from './field-errors.js';
import { IS_NEGATIVE_ERROR, inclusiveRangeError, isDNS1123Label } from '../kube/validation.js';
import { validateContainerList } from './validate-container.js';
import { validateImage } from './validate-image.js';
import { validateFileVolume } from './validate-volumes.js';
import { validatePodDns } from './validate-pod-dns.js';
import { validateAnnotations, validateLabels, validateObjectMeta } from './validate-meta.js';

/** Every volume source field of core/v1 Volume; exactly one may be set. */
export const VOLUME_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI',
  'emptyDir', 'ephemeral', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath',
  'image', 'iscsi', 'nfs', 'persistentVolumeClaim', 'photonPersistentDisk', 'portworxVolume', 'projected',
  'quobyte', 'rbd', 'scaleIO', 'secret', 'storageos', 'vsphereVolume',
] as const;

export function validatePod(pod: Pod): FieldError[] {
  return [
    ...validateObjectMeta(pod.metadata, 'subdomain', FieldPath.of('metadata')),
    ...validatePodSpec(pod.spec, FieldPath.of('spec')),
  ];
}

export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  if (!t) return [requiredField(path)];
  return [
    ...validateLabels(t.metadata?.labels, path.child('metadata', 'labels')),
    ...validateAnnotations(t.metadata?.annotations, path.child('metadata', 'annotations')),
    ...validatePodSpec(t.spec, path.child('spec')),
  ];
}

export function validatePodSpec(spec: PodSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [requiredField(path)];
  const errs: FieldError[] = [];

  const volumeNames = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const p = path.child('volumes').index(i);
    if (!v.name) errs.push(requiredField(p.child('name')));
    else {
      for (const msg of isDNS1123Label(v.name)) errs.push(invalidField(p.child('name'), v.name, msg));
      if (volumeNames.has(v.name)) errs.push(duplicateField(p.child('name'), v.name));
      volumeNames.add(v.name);
    }
    const set = VOLUME_SOURCES.filter((s) => (v as Record<string, unknown>)[s] !== undefined);
    if (set.length === 0) errs.push(requiredField(p, 'must specify a volume type'));
    for (const extra of set.slice(1)) errs.push(forbiddenField(p.child(extra), 'may not specify more than 1 volume type'));
    if (set.length === 1) errs.push(...validateFileVolume(v, p));
  });

  const gracePeriod = spec.terminationGracePeriodSeconds;
  const names = new Set<string>();
  if (!spec.containers?.length) errs.push(requiredField(path.child('containers')));
  else errs.push(...validateContainerList(spec.containers, path.child('containers'), { volumeNames, gracePeriod, role: 'container' }, names));
  if (spec.initContainers?.length) {
    errs.push(...validateContainerList(spec.initContainers, path.child('initContainers'), { volumeNames, gracePeriod, role: 'initContainer' }, names));
  }
  if (spec.ephemeralContainers?.length) {
    errs.push(forbiddenField(path.child('ephemeralContainers'), 'cannot be set on create'));
    // still checked: an ephemeral container's image would reach the engine like any other
    spec.ephemeralContainers.forEach((c, i) => errs.push(...validateImage(c.image, path.child('ephemeralContainers').index(i).child('image'))));
  }

  const rp = spec.restartPolicy;
  if (!rp) errs.push(requiredField(path.child('restartPolicy')));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupportedField(path.child('restartPolicy'), rp, ['Always', 'OnFailure', 'Never']));

  const dns = spec.dnsPolicy;
  const dnsValues = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (!dns) errs.push(requiredField(path.child('dnsPolicy')));
  else if (!dnsValues.includes(dns)) errs.push(notSupportedField(path.child('dnsPolicy'), dns, dnsValues));

  if (gracePeriod !== undefined && gracePeriod < 0) errs.push(invalidField(path.child('terminationGracePeriodSeconds'), gracePeriod, IS_NEGATIVE_ERROR));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > 2147483647)) errs.push(invalidField(path.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, 2147483647)));

  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  if (spec.hostname) for (const msg of isDNS1123Label(spec.hostname)) errs.push(invalidField(path.child('hostname'), spec.hostname, msg));
  errs.push(...validatePodDns(spec, path));
  return errs;
}
