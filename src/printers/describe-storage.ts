// `describe` pages for PersistentVolumeClaims, PersistentVolumes, StorageClasses and StatefulSets, after
// kubectl 1.32's describe.go (describePersistentVolumeClaim, describePersistentVolume, describeStorageClass,
// describeStatefulSet), field by field.
import type { Event, PersistentVolume, PersistentVolumeClaim, Pod, StatefulSet, StorageClass } from '../kube/types.js';
import { accessModesString, isDefaultClass } from '../kube/storage.js';
import { translateTimestampSince } from './age.js';
import { describePodTemplate } from './describe-containers.js';
import {
  describeEvents, formatRFC1123Z, LEVEL_0, LEVEL_1, LEVEL_2, printAnnotationsMultiline, printLabelsMultiline, tabbedString,
} from './describe-writer.js';
import { formatLabels, formatLabelSelector } from './selectors.js';

/** Go's %v of a []string: "[a b]". */
const goList = (xs: readonly string[] | undefined) => `[${(xs ?? []).join(' ')}]`;

export function describePersistentVolumeClaim(pvc: PersistentVolumeClaim, usedBy: Pod[], events: Event[] | undefined, now: Date): string {
  const meta = pvc.metadata ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${meta.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${meta.namespace ?? ''}\n`);
    w.write(LEVEL_0, `StorageClass:\t${pvc.spec?.storageClassName ?? ''}\n`);
    if (meta.deletionTimestamp) w.write(LEVEL_0, `Status:\tTerminating (lasts ${translateTimestampSince(meta.deletionTimestamp, now)})\n`);
    else w.write(LEVEL_0, `Status:\t${pvc.status?.phase ?? ''}\n`);
    w.write(LEVEL_0, `Volume:\t${pvc.spec?.volumeName ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', meta.labels);
    printAnnotationsMultiline(w, 'Annotations', meta.annotations);
    w.write(LEVEL_0, `Finalizers:\t${goList(meta.finalizers)}\n`);
    const bound = !!pvc.spec?.volumeName;
    w.write(LEVEL_0, `Capacity:\t${bound ? String(pvc.status?.capacity?.['storage'] ?? '') : ''}\n`);
    w.write(LEVEL_0, `Access Modes:\t${bound ? accessModesString(pvc.status?.accessModes) : ''}\n`);
    if (pvc.spec?.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${pvc.spec.volumeMode}\n`);
    w.write(LEVEL_0, 'Used By:\t');
    const names = usedBy.map((p) => p.metadata?.name ?? '').sort();
    if (!names.length) w.writeLine('<none>');
    names.forEach((n, i) => w.write(LEVEL_0, `${i ? '\t' : ''}${n}\n`));
    describeEvents(events, w, now);
  });
}

export function describePersistentVolume(pv: PersistentVolume, events: Event[] | undefined, now: Date): string {
  const meta = pv.metadata ?? {};
  const spec = pv.spec ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${meta.name ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', meta.labels);
    printAnnotationsMultiline(w, 'Annotations', meta.annotations);
    w.write(LEVEL_0, `Finalizers:\t${goList(meta.finalizers)}\n`);
    w.write(LEVEL_0, `StorageClass:\t${spec.storageClassName ?? ''}\n`);
    if (meta.deletionTimestamp) w.write(LEVEL_0, `Status:\tTerminating (lasts ${translateTimestampSince(meta.deletionTimestamp, now)})\n`);
    else w.write(LEVEL_0, `Status:\t${pv.status?.phase ?? ''}\n`);
    w.write(LEVEL_0, `Claim:\t${spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : ''}\n`);
    w.write(LEVEL_0, `Reclaim Policy:\t${spec.persistentVolumeReclaimPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Access Modes:\t${accessModesString(spec.accessModes)}\n`);
    if (spec.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${spec.volumeMode}\n`);
    w.write(LEVEL_0, `Capacity:\t${String(spec.capacity?.['storage'] ?? '0')}\n`);
    w.write(LEVEL_0, 'Node Affinity:\t<none>\n');
    w.write(LEVEL_0, `Message:\t${pv.status?.message ?? ''}\n`);
    w.write(LEVEL_0, 'Source:\n');
    if (spec.csi) {
      w.write(LEVEL_2, 'Type:\tCSI (a Container Storage Interface (CSI) volume source)\n');
      w.write(LEVEL_2, `Driver:\t${spec.csi.driver}\n`);
      w.write(LEVEL_2, `FSType:\t${spec.csi.fsType ?? ''}\n`);
      w.write(LEVEL_2, `VolumeHandle:\t${spec.csi.volumeHandle}\n`);
      w.write(LEVEL_2, `ReadOnly:\t${spec.csi.readOnly === true}\n`);
      w.write(LEVEL_2, `VolumeAttributes:\t${Object.keys(spec.csi.volumeAttributes ?? {}).length ? formatLabels(spec.csi.volumeAttributes) : '<none>'}\n`);
    }
    describeEvents(events, w, now);
  });
}

export function describeStorageClass(sc: StorageClass, events: Event[] | undefined, now: Date): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${sc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `IsDefaultClass:\t${isDefaultClass(sc) ? 'Yes' : 'No'}\n`);
    w.write(LEVEL_0, `Annotations:\t${formatLabels(withoutLastApplied(sc.metadata?.annotations))}\n`);
    w.write(LEVEL_0, `Provisioner:\t${sc.provisioner}\n`);
    w.write(LEVEL_0, `Parameters:\t${formatLabels(sc.parameters)}\n`);
    w.write(LEVEL_0, `AllowVolumeExpansion:\t${sc.allowVolumeExpansion === undefined ? '<unset>' : String(sc.allowVolumeExpansion)}\n`);
    w.write(LEVEL_0, `MountOptions:\t${sc.mountOptions?.length ? '' : '<none>'}\n`);
    for (const o of sc.mountOptions ?? []) w.write(LEVEL_1, `${o}\n`);
    if (sc.reclaimPolicy) w.write(LEVEL_0, `ReclaimPolicy:\t${sc.reclaimPolicy}\n`);
    if (sc.volumeBindingMode) w.write(LEVEL_0, `VolumeBindingMode:\t${sc.volumeBindingMode}\n`);
    describeEvents(events, w, now);
  });
}

function withoutLastApplied(a: Record<string, string> | undefined): Record<string, string> {
  const out = { ...a };
  delete out['kubectl.kubernetes.io/last-applied-configuration'];
  return out;
}

/** describe statefulset; `pods` may include others, only those it controls are counted. */
export function describeStatefulSet(sts: StatefulSet, pods: Pod[], events: Event[] | undefined, now: Date): string {
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 } as Record<string, number>;
  for (const p of pods) {
    if (!p.metadata?.ownerReferences?.some((r) => r.controller && r.uid === sts.metadata?.uid)) continue;
    const phase = p.status?.phase ?? '';
    if (phase in counts) counts[phase]!++;
  }
  const spec = sts.spec;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${sts.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${sts.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${formatRFC1123Z(sts.metadata?.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', sts.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', sts.metadata?.annotations);
    w.write(LEVEL_0, `Replicas:\t${spec?.replicas ?? 1} desired | ${sts.status?.replicas ?? 0} total\n`);
    w.write(LEVEL_0, `Update Strategy:\t${spec?.updateStrategy?.type ?? 'RollingUpdate'}\n`);
    const partition = spec?.updateStrategy?.rollingUpdate?.partition;
    if (partition !== undefined) w.write(LEVEL_1, `Partition:\t${partition}\n`);
    w.write(LEVEL_0, `Pods Status:\t${counts['Running']} Running / ${counts['Pending']} Waiting / ${counts['Succeeded']} Succeeded / ${counts['Failed']} Failed\n`);
    describePodTemplate(spec?.template, w);
    const templates = spec?.volumeClaimTemplates ?? [];
    if (!templates.length) w.write(LEVEL_0, 'Volume Claims:\t<none>\n');
    else {
      w.write(LEVEL_0, 'Volume Claims:\n');
      for (const t of templates) {
        w.write(LEVEL_1, `Name:\t${t.metadata?.name ?? ''}\n`);
        w.write(LEVEL_1, `StorageClass:\t${t.spec?.storageClassName ?? ''}\n`);
        printLabelsMultiline(w, 'Labels', t.metadata?.labels, '  ');
        printLabelsMultiline(w, 'Annotations', t.metadata?.annotations, '  ');
        const cap = t.spec?.resources?.requests?.['storage'];
        w.write(LEVEL_1, `Capacity:\t${cap !== undefined ? String(cap) : '<default>'}\n`);
        w.write(LEVEL_1, `Access Modes:\t${goList(t.spec?.accessModes)}\n`);
      }
    }
    describeEvents(events, w, now);
  });
}
