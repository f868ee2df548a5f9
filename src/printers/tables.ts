// Server-side Tables (`Accept: application/json;as=Table`) as the real apiserver builds them with
// pkg/printers/internalversion/printers.go. The apiserver always generates the wide form (all cells);
// kubectl drops the priority > 0 columns unless -o wide, so this does the same.
import type { ConfigMap, Container, Deployment, Endpoints, Event, Lease, Namespace, Node, Pod, PodDisruptionBudget, ReplicaSet, Secret, Service, ServiceAccount } from '../kube/types.js';
import { nodeCells } from './node-format.js';
import type { KubeObject } from '../store/store.js';
import { translateTimestampSince } from './age.js';
import { DOCS } from './column-docs.js';
import { ageCol, col, containersCol, imagesCol, nameCol } from './columns.js';
import { formatDiscoveryEndpoints, formatDiscoveryPorts } from './endpoint-slices.js';
import type * as discovery from 'kubernetes-types/discovery/v1.js';
import { summarizePod, podRestarts } from './pod-status.js';
import { formatLabelSelector, formatLabels, labelSelectorString } from './selectors.js';
import { formatEndpoints, makePortString, serviceExternalIP } from './service-format.js';
import type { Table, TableColumnDefinition, TableRow } from './table-types.js';
import { APPS_DEFAULTS } from '../kube/defaults.js';
import { cronJobCells, daemonSetCells, jobCells } from './workload-tables.js';
import type { ControllerRevision, CronJob, DaemonSet, HorizontalPodAutoscaler, Job, PersistentVolume, PersistentVolumeClaim, StatefulSet, StorageClass } from '../kube/types.js';
import {
  controllerRevisionCells, persistentVolumeCells, persistentVolumeClaimCells, statefulSetCells, STORAGE_COLUMNS, storageClassCells,
  type StorageTableKind,
} from './storage-tables.js';
import { hpaCells } from './hpa.js';

export type { Table, TableColumnDefinition, TableRow, TableRowCondition } from './table-types.js';

export type TableKind = 'Pod' | 'Deployment' | 'ReplicaSet' | 'Service' | 'Endpoints' | 'EndpointSlice' | 'Event' | 'Namespace' | 'ConfigMap' | 'Secret' | 'ServiceAccount' | 'Node'
  | 'Job' | 'CronJob' | 'DaemonSet' | 'HorizontalPodAutoscaler' | 'Lease' | 'PodDisruptionBudget' | StorageTableKind;


export const COLUMNS: Record<TableKind, TableColumnDefinition[]> = {
  Pod: [
    nameCol,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol,
    col('IP', 'string', DOCS.podIP, 1),
    col('Node', 'string', DOCS.nodeName, 1),
    col('Nominated Node', 'string', DOCS.nominatedNodeName, 1),
    col('Readiness Gates', 'string', DOCS.readinessGates, 1),
  ],
  Deployment: [
    nameCol,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', DOCS.updatedReplicas),
    col('Available', 'string', DOCS.availableReplicas),
    ageCol,
    containersCol,
    imagesCol,
    col('Selector', 'string', DOCS.deploymentSelector, 1),
  ],
  ReplicaSet: [
    nameCol,
    col('Desired', 'integer', DOCS.rsSpecReplicas),
    col('Current', 'integer', DOCS.rsStatusReplicas),
    col('Ready', 'integer', DOCS.rsReadyReplicas),
    ageCol,
    containersCol,
    imagesCol,
    col('Selector', 'string', DOCS.rsSelector, 1),
  ],
  Service: [
    nameCol,
    col('Type', 'string', DOCS.serviceType),
    col('Cluster-IP', 'string', DOCS.clusterIP),
    col('External-IP', 'string', DOCS.externalIPs),
    col('Port(s)', 'string', DOCS.servicePorts),
    ageCol,
    col('Selector', 'string', DOCS.serviceSelector, 1),
  ],
  Endpoints: [nameCol, col('Endpoints', 'string', DOCS.subsets), ageCol],
  EndpointSlice: [
    nameCol,
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.'),
    col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.'),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
    ageCol,
  ],
  Event: [
    col('Last Seen', 'string', DOCS.lastTimestamp),
    col('Type', 'string', DOCS.eventType),
    col('Reason', 'string', DOCS.reason),
    col('Object', 'string', DOCS.involvedObject),
    col('Subobject', 'string', DOCS.fieldPath, 1),
    col('Source', 'string', DOCS.source, 1),
    col('Message', 'string', DOCS.message),
    col('First Seen', 'string', DOCS.firstTimestamp, 1),
    col('Count', 'string', DOCS.count, 1),
    col('Name', 'string', DOCS.name, 1, 'name'),
  ],
  Namespace: [nameCol, col('Status', 'string', 'The status of the namespace'), ageCol],
  // printers.go: the number of keys only; a Secret's values never reach a table.
  ConfigMap: [nameCol, col('Data', 'string', 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.'), ageCol],
  Secret: [
    nameCol,
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
    col('Data', 'string', 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4'),
    ageCol,
  ],
  ServiceAccount: [nameCol, col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageCol],
  Lease: [nameCol, col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageCol],
  PodDisruptionBudget: [
    nameCol,
    col('Min Available', 'string', 'The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
    col('Allowed Disruptions', 'integer', 'Number of pod disruptions that are currently allowed.'),
    ageCol,
  ],
  Node: [
    nameCol,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    col('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    col('Kernel-Version', 'string', 'Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).', 1),
    col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  Job: [
    nameCol,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The successful completions of the job, out of the desired ones.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageCol,
    containersCol,
    imagesCol,
    col('Selector', 'string', 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', 1),
  ],
  CronJob: [
    nameCol,
    col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.'),
    col('Active', 'integer', 'A list of pointers to currently running jobs.'),
    col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    ageCol,
    containersCol,
    imagesCol,
    col('Selector', 'string', 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', 1),
  ],
  DaemonSet: [
    nameCol,
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    col('Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node\'s labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/'),
    ageCol,
    containersCol,
    imagesCol,
    col('Selector', 'string', 'A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template\'s labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', 1),
  ],
  ...STORAGE_COLUMNS,
  HorizontalPodAutoscaler: [
    nameCol,
    col('Reference', 'string', 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
    col('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).'),
    col('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    col('MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    col('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
    ageCol,
  ],
};

/** layoutContainerCells: "a,b" and "img-a,img-b". */
function containerCells(containers: Container[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

const age = (obj: KubeObject, now: Date) => translateTimestampSince(obj.metadata?.creationTimestamp, now);

function podRow(pod: Pod, now: Date): Omit<TableRow, 'object'> {
  const s = summarizePod(pod);
  const none = (v: string | undefined) => v || '<none>';
  let readinessGates = '<none>';
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length > 0) {
    const trueCount = gates.filter((g) => pod.status?.conditions?.find((c) => c.type === g.conditionType)?.status === 'True').length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  const row: Omit<TableRow, 'object'> = {
    cells: [
      pod.metadata?.name ?? '',
      `${s.readyContainers}/${s.totalContainers}`,
      s.reason,
      podRestarts(pod, now),
      age(pod, now),
      none(pod.status?.podIPs?.[0]?.ip),
      none(pod.spec?.nodeName),
      none(pod.status?.nominatedNodeName),
      readinessGates,
    ],
  };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') row.conditions = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') row.conditions = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return row;
}

function deploymentCells(d: Deployment, now: Date): (string | number)[] {
  const [names, images] = containerCells(d.spec?.template?.spec?.containers);
  return [
    d.metadata?.name ?? '',
    `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? APPS_DEFAULTS.replicas}`,
    d.status?.updatedReplicas ?? 0,
    d.status?.availableReplicas ?? 0,
    age(d, now),
    names,
    images,
    labelSelectorString(d.spec?.selector),
  ];
}

function replicaSetCells(rs: ReplicaSet, now: Date): (string | number)[] {
  const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
  return [
    rs.metadata?.name ?? '',
    rs.spec?.replicas ?? APPS_DEFAULTS.replicas,
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    age(rs, now),
    names,
    images,
    formatLabelSelector(rs.spec?.selector),
  ];
}

function serviceCells(svc: Service, now: Date): (string | number)[] {
  const clusterIP = svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>';
  return [
    svc.metadata?.name ?? '',
    svc.spec?.type || 'ClusterIP',
    clusterIP,
    serviceExternalIP(svc),
    makePortString(svc) || '<none>',
    age(svc, now),
    formatLabels(svc.spec?.selector),
  ];
}

/** printEvent (wide): Last Seen falls back to First Seen, which falls back to eventTime. */
function eventCells(e: Event, now: Date): (string | number)[] {
  const firstSeen = e.firstTimestamp ? translateTimestampSince(e.firstTimestamp, now) : translateTimestampSince(e.eventTime, now);
  let lastSeen = e.lastTimestamp ? translateTimestampSince(e.lastTimestamp, now) : firstSeen;
  let count = e.count ?? 0;
  if (e.series) {
    lastSeen = translateTimestampSince(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events of the events.k8s.io API carry no count
  }
  const kind = (e.involvedObject?.kind ?? '').toLowerCase();
  const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return [
    lastSeen,
    e.type ?? '',
    e.reason ?? '',
    target,
    e.involvedObject?.fieldPath ?? '',
    host ? `${component}, ${host}` : component,
    (e.message ?? '').trim(),
    firstSeen,
    count,
    e.metadata?.name ?? '',
  ];
}

/** One server-side Table for a list of objects of one kind, rows in the given order. */
export function tableFor(kind: TableKind, objects: readonly KubeObject[], now: Date): Table {
  const rows = objects.map((obj): TableRow => {
    try {
      return rowFor(kind, obj, now);
    } catch {
      // An object stored by an older version (or by hand) with a field of the wrong shape: one row says so,
      // the rest of the list still prints. `get -o yaml` shows the object as it is.
      const cells: (string | number)[] = COLUMNS[kind].map(() => '<invalid>');
      cells[0] = obj.metadata?.name ?? '';
      return { cells, object: obj };
    }
  });
  return { columnDefinitions: COLUMNS[kind], rows };
}

function rowFor(kind: TableKind, obj: KubeObject, now: Date): TableRow {
  switch (kind) {
    case 'Pod': return { ...podRow(obj as Pod, now), object: obj };
    case 'Deployment': return { cells: deploymentCells(obj as Deployment, now), object: obj };
    case 'ReplicaSet': return { cells: replicaSetCells(obj as ReplicaSet, now), object: obj };
    case 'Service': return { cells: serviceCells(obj as Service, now), object: obj };
    case 'Endpoints': return { cells: [obj.metadata?.name ?? '', formatEndpoints(obj as Endpoints), age(obj, now)], object: obj };
    case 'EndpointSlice': {
      const slice = obj as unknown as discovery.EndpointSlice;
      return { cells: [obj.metadata?.name ?? '', slice.addressType, formatDiscoveryPorts(slice.ports), formatDiscoveryEndpoints(slice.endpoints), age(obj, now)], object: obj };
    }
    case 'Event': return { cells: eventCells(obj as Event, now), object: obj };
    case 'Namespace': return { cells: [obj.metadata?.name ?? '', (obj as Namespace).status?.phase ?? '', age(obj, now)], object: obj };
    case 'ConfigMap': {
      const cm = obj as ConfigMap;
      return { cells: [obj.metadata?.name ?? '', Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(obj, now)], object: obj };
    }
    case 'Secret': {
      const secret = obj as Secret;
      return { cells: [obj.metadata?.name ?? '', secret.type ?? '', Object.keys(secret.data ?? {}).length, age(obj, now)], object: obj };
    }
    case 'ServiceAccount': return { cells: [obj.metadata?.name ?? '', (obj as ServiceAccount).secrets?.length ?? 0, age(obj, now)], object: obj };
    case 'Lease': return { cells: [obj.metadata?.name ?? '', (obj as Lease).spec?.holderIdentity ?? '', age(obj, now)], object: obj };
    case 'PodDisruptionBudget': {
      const pdb = obj as PodDisruptionBudget;
      const na = (v: number | string | undefined) => (v === undefined ? 'N/A' : String(v));
      return { cells: [obj.metadata?.name ?? '', na(pdb.spec?.minAvailable), na(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, age(obj, now)], object: obj };
    }
    case 'Node': return { cells: nodeCells(obj as Node, age(obj, now)), object: obj };
    case 'Job': return { cells: jobCells(obj as Job, now), object: obj };
    case 'CronJob': return { cells: cronJobCells(obj as CronJob, now), object: obj };
    case 'DaemonSet': return { cells: daemonSetCells(obj as DaemonSet, now), object: obj };
    case 'PersistentVolume': return { cells: persistentVolumeCells(obj as PersistentVolume, age(obj, now)), object: obj };
    case 'PersistentVolumeClaim': return { cells: persistentVolumeClaimCells(obj as PersistentVolumeClaim, age(obj, now)), object: obj };
    case 'StorageClass': return { cells: storageClassCells(obj as StorageClass, age(obj, now)), object: obj };
    case 'StatefulSet': return { cells: statefulSetCells(obj as StatefulSet, age(obj, now)), object: obj };
    case 'ControllerRevision': return { cells: controllerRevisionCells(obj as ControllerRevision, age(obj, now)), object: obj };
    case 'HorizontalPodAutoscaler': return { cells: hpaCells(obj as HorizontalPodAutoscaler, age(obj, now)), object: obj };
  }
}
