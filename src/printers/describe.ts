// `kubectl describe` pages for pods, deployments, replicasets and services, following kubectl 1.32's
// describe.go field by field (describePod, describeDeployment, describeReplicaSet, describeService).
// Objects are first given the apiserver's defaults (defaults.ts) so they read like a real cluster's.
import type { Deployment, Endpoints, Event, OwnerReference, Pod, ReplicaSet, Service } from '../kube/types.js';
import type { KubeObject } from '../store/store.js';
import { parseTimestamp, translateTimestampSince } from './age.js';
import { equalIgnoreHash } from '../kube/pod-template.js';
import { defaultDeployment, defaultPod, defaultReplicaSet, defaultService } from './defaults.js';
import { describeContainers, describePodTemplate, describeVolumes, podQOS } from './describe-containers.js';
import {
  describeEvents, formatRFC1123Z, LEVEL_0, LEVEL_1, type PrefixWriter,
  printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline, tabbedString,
} from './describe-writer.js';
import { formatLabels, formatLabelSelector, labelSelectorString } from './selectors.js';
import { formatEndpoints } from './service-format.js';
import { APPS_DEFAULTS } from '../kube/defaults.js';

/** printController: "ReplicaSet/hello-5d59d67564" from the controller owner reference. */
function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

function writeControlledBy(obj: KubeObject, w: PrefixWriter): void {
  const ref = controllerOf(obj);
  if (ref) w.write(LEVEL_0, `Controlled By:\t${ref.kind}/${ref.name}\n`);
}

/**
 * describe pod. `notes` is mini-kube's one deliberate addition: "Note:" lines just before Events, for
 * things a user should know that kubectl has no field for (e.g. an image used from the local cache).
 */
export function describePod(input: Pod, events: Event[] | undefined, now: Date, notes: string[] = []): string {
  const pod = defaultPod(input);
  const spec = pod.spec!;
  const status = pod.status ?? {};
  const meta = pod.metadata ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${meta.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${meta.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Priority:\t${spec.priority}\n`);
    if (spec.priorityClassName) w.write(LEVEL_0, `Priority Class Name:\t${spec.priorityClassName}\n`);
    if (spec.runtimeClassName) w.write(LEVEL_0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
    w.write(LEVEL_0, `Service Account:\t${spec.serviceAccountName}\n`);
    w.write(LEVEL_0, spec.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ''}\n` : 'Node:\t<none>\n');
    if (status.startTime) w.write(LEVEL_0, `Start Time:\t${formatRFC1123Z(status.startTime)}\n`);
    printLabelsMultiline(w, 'Labels', meta.labels);
    printAnnotationsMultiline(w, 'Annotations', meta.annotations);
    if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
      w.write(LEVEL_0, `Status:\tTerminating (lasts ${translateTimestampSince(meta.deletionTimestamp, now)})\n`);
      const grace = meta.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
      w.write(LEVEL_0, `Termination Grace Period:\t${grace}s\n`);
    } else {
      w.write(LEVEL_0, `Status:\t${status.phase ?? ''}\n`);
    }
    if (status.reason) w.write(LEVEL_0, `Reason:\t${status.reason}\n`);
    if (status.message) w.write(LEVEL_0, `Message:\t${status.message}\n`);
    const seccomp = spec.securityContext?.seccompProfile;
    if (seccomp) {
      w.write(LEVEL_0, `SeccompProfile:\t${seccomp.type}\n`);
      if (seccomp.type === 'Localhost') w.write(LEVEL_0, `LocalhostProfile:\t${seccomp.localhostProfile ?? ''}\n`);
    }
    w.write(LEVEL_0, `IP:\t${status.podIP ?? ''}\n`);
    if (!status.podIPs || status.podIPs.length === 0) {
      w.write(LEVEL_0, 'IPs:\t<none>\n');
    } else {
      w.write(LEVEL_0, 'IPs:\n');
      for (const ip of status.podIPs) w.write(LEVEL_1, `IP:\t${ip.ip}\n`);
    }
    writeControlledBy(pod, w);
    if (status.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
    if (spec.initContainers?.length) describeContainers('Init Containers', spec.initContainers, status.initContainerStatuses ?? [], w, '', pod);
    describeContainers('Containers', spec.containers, status.containerStatuses ?? [], w, '', pod);
    if (spec.readinessGates?.length) {
      w.write(LEVEL_0, 'Readiness Gates:\n  Type\tStatus\n');
      for (const g of spec.readinessGates) {
        const c = status.conditions?.find((x) => x.type === g.conditionType);
        w.write(LEVEL_1, `${g.conditionType} \t${c ? c.status : '<none>'} \n`);
      }
    }
    if (status.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
      for (const c of status.conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`);
    }
    describeVolumes(spec.volumes, w);
    w.write(LEVEL_0, `QoS Class:\t${podQOS(pod)}\n`);
    printLabelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
    printTolerationsMultiline(w, 'Tolerations', spec.tolerations);
    for (const note of notes) w.write(LEVEL_0, `Note:\t${note}\n`);
    describeEvents(events, w, now);
  });
}

const intOrString = (v: number | string | undefined) => (v === undefined ? '' : String(v));

/**
 * The deployment's ReplicaSets as kubectl finds them (GetAllReplicaSets): those it controls, ordered by
 * creation time; the first whose template matches the deployment's is the new one, all others are old.
 */
export function splitReplicaSets(d: Deployment, replicaSets: ReplicaSet[]): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
  const uid = d.metadata?.uid;
  const owned = replicaSets
    .filter((rs) => controllerOf(rs)?.uid === uid && uid !== undefined)
    .sort((a, b) => {
      const ta = parseTimestamp(a.metadata?.creationTimestamp) ?? 0;
      const tb = parseTimestamp(b.metadata?.creationTimestamp) ?? 0;
      const na = a.metadata?.name ?? '';
      const nb = b.metadata?.name ?? '';
      return ta - tb || (na < nb ? -1 : na > nb ? 1 : 0);
    });
  // Both sides get the same defaults, so a field one manifest spelled out and the other left to
  // defaulting does not make the templates differ.
  const want = defaultDeployment(d).spec?.template;
  const newRS = owned.find((rs) => equalIgnoreHash(defaultReplicaSet(rs).spec?.template, want));
  return { ...(newRS ? { newRS } : {}), oldRSs: owned.filter((rs) => rs !== newRS) };
}

function printReplicaSets(list: ReplicaSet[]): string {
  const s = list.map((rs) => `${rs.metadata?.name ?? ''} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? APPS_DEFAULTS.replicas} replicas created)`).join(', ');
  return s || '<none>';
}

function writeConditions(conditions: { type: string; status: string; reason?: string }[] | undefined, w: PrefixWriter): void {
  if (!conditions?.length) return;
  w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(LEVEL_1, '----\t------\t------\n');
  for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

/** describe deployment; `replicaSets` may include unrelated ones, only those it controls are shown. */
export function describeDeployment(input: Deployment, replicaSets: ReplicaSet[], events: Event[] | undefined, now: Date): string {
  const d = defaultDeployment(input);
  const spec = d.spec!;
  const st = d.status ?? {};
  const { newRS, oldRSs } = splitReplicaSets(d, replicaSets);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${d.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${d.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${formatRFC1123Z(d.metadata?.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', d.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', d.metadata?.annotations);
    w.write(LEVEL_0, `Selector:\t${labelSelectorString(spec.selector)}\n`);
    w.write(LEVEL_0, `Replicas:\t${spec.replicas} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ` +
      `${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`);
    w.write(LEVEL_0, `StrategyType:\t${spec.strategy?.type ?? ''}\n`);
    w.write(LEVEL_0, `MinReadySeconds:\t${spec.minReadySeconds}\n`);
    const ru = spec.strategy?.rollingUpdate;
    if (ru) w.write(LEVEL_0, `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ${intOrString(ru.maxSurge)} max surge\n`);
    describePodTemplate(spec.template, w);
    writeConditions(st.conditions, w);
    if (oldRSs.length > 0 || newRS) {
      w.write(LEVEL_0, `OldReplicaSets:\t${printReplicaSets(oldRSs)}\n`);
      w.write(LEVEL_0, `NewReplicaSet:\t${printReplicaSets(newRS ? [newRS] : [])}\n`);
    }
    describeEvents(events, w, now);
  });
}

/** describe replicaset; `pods` may include others, only those it controls are counted. */
export function describeReplicaSet(input: ReplicaSet, pods: Pod[], events: Event[] | undefined, now: Date): string {
  const rs = defaultReplicaSet(input);
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 } as Record<string, number>;
  for (const p of pods) {
    if (controllerOf(p)?.uid !== rs.metadata?.uid || rs.metadata?.uid === undefined) continue;
    const phase = p.status?.phase ?? '';
    if (phase in counts) counts[phase]!++;
  }
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${rs.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${rs.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rs.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', rs.metadata?.annotations);
    writeControlledBy(rs, w);
    w.write(LEVEL_0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas} desired\n`);
    w.write(LEVEL_0, 'Pods Status:\t');
    w.write(LEVEL_0, `${counts['Running']} Running / ${counts['Pending']} Waiting / ${counts['Succeeded']} Succeeded / ${counts['Failed']} Failed\n`);
    describePodTemplate(rs.spec?.template, w);
    writeConditions(rs.status?.conditions, w);
    describeEvents(events, w, now);
  });
}

/** describe service, with the Endpoints object of the same name (or none yet). */
export function describeService(input: Service, endpoints: Endpoints | undefined | null, events: Event[] | undefined, now: Date): string {
  const svc = defaultService(input);
  const spec = svc.spec!;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${svc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${svc.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', svc.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', svc.metadata?.annotations);
    w.write(LEVEL_0, `Selector:\t${formatLabels(spec.selector)}\n`);
    w.write(LEVEL_0, `Type:\t${spec.type}\n`);
    if (spec.ipFamilyPolicy) w.write(LEVEL_0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
    w.write(LEVEL_0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
    w.write(LEVEL_0, `IP:\t${spec.clusterIP ?? ''}\n`);
    w.write(LEVEL_0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
    if (spec.externalIPs?.length) w.write(LEVEL_0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
    if (spec.loadBalancerIP) w.write(LEVEL_0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
    if (spec.externalName) w.write(LEVEL_0, `External Name:\t${spec.externalName}\n`);
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    if (ingress.length > 0) {
      const list = ingress.map((i) => (i.ip ? i.ip + (i.ipMode ? ` (${i.ipMode})` : '') : i.hostname ?? '')).join(', ');
      w.write(LEVEL_0, `LoadBalancer Ingress:\t${list}\n`);
    }
    for (const sp of spec.ports ?? []) {
      const name = sp.name || '<unset>';
      w.write(LEVEL_0, `Port:\t${name}\t${sp.port}/${sp.protocol}\n`);
      w.write(LEVEL_0, `TargetPort:\t${sp.targetPort}/${sp.protocol}\n`);
      if (sp.nodePort) w.write(LEVEL_0, `NodePort:\t${name}\t${sp.nodePort}/${sp.protocol}\n`);
      w.write(LEVEL_0, `Endpoints:\t${formatEndpoints(endpoints, new Set([sp.name ?? '']))}\n`);
    }
    w.write(LEVEL_0, `Session Affinity:\t${spec.sessionAffinity}\n`);
    if (spec.externalTrafficPolicy) w.write(LEVEL_0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
    if (spec.internalTrafficPolicy) w.write(LEVEL_0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
    if (spec.healthCheckNodePort) w.write(LEVEL_0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
    if (spec.loadBalancerSourceRanges?.length) w.write(LEVEL_0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
    describeEvents(events, w, now);
  });
}
