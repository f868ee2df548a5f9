// What the page shows, computed on the server from the store, the probe history and the proxy's
// counters: one JSON document pushed over server-sent events whenever something changes.
import type { Deployment, Endpoints, Event, Node, Pod, ReplicaSet, Service } from '../kube/types.js';
import { podReady, podRestartCount, podStatusReason } from '../printers/pod-status.js';
import type { ProbeHistory, ProbeTick } from '../probes/history.js';
import type { Store, Stored } from '../store/store.js';
import type { PodTraffic } from './traffic.js';
import { isPodReady } from '../kube/pod.js';
import { APPS_DEFAULTS } from '../kube/defaults.js';
import { codeUnitOrder } from '../kube/code-unit-order.js';

export interface ContainerView {
  name: string;
  ready: boolean;
  restartCount: number;
  /** running | waiting: REASON | terminated: REASON */
  state: string;
  probes: Partial<Record<'liveness' | 'readiness' | 'startup', { ticks: ProbeTick[]; failureThreshold: number; periodSeconds: number }>>;
  /** during CrashLoopBackOff: when the kubelet will start it again (ms since the epoch) */
  nextRestartAt?: number;
}

export interface PodView {
  name: string;
  namespace: string;
  deployment?: string;
  phase: string;
  /** kubectl's STATUS column */
  status: string;
  /** kubectl's READY column, e.g. 1/1 */
  readyText: string;
  ready: boolean;
  restarts: number;
  deleting: boolean;
  containers: ContainerView[];
  traffic: PodTraffic;
  createdAt: string;
  /** spec.nodeName; none while Pending for the scheduler */
  node?: string;
}

/** A node as its column on the page (issue #18): shown when the cluster has more than one. */
export interface NodeView {
  name: string;
  /** the Ready condition: True, False or Unknown */
  ready: string;
  unschedulable: boolean;
  /** key=value:Effect */
  taints: string[];
}

export interface DeploymentView {
  name: string;
  namespace: string;
  replicas: number;
  ready: number;
  updated: number;
  available: number;
}

export interface ServiceView {
  name: string;
  namespace: string;
  type: string;
  ports: { port: number; targetPort: string; nodePort?: number }[];
  /** pods that receive traffic now (ready addresses) */
  endpoints: string[];
  /** matching pods that are not ready: out of the Service */
  notReady: string[];
}

export interface EventView {
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
}

export interface DashboardState {
  nodes: NodeView[];
  deployments: DeploymentView[];
  pods: PodView[];
  services: ServiceView[];
  events: EventView[];
}

const MAX_EVENTS = 60;

export function snapshot(store: Store, history: ProbeHistory | undefined, traffic: Record<string, PodTraffic>): DashboardState {
  const rsOwner = new Map<string, string>();
  for (const rs of store.list<ReplicaSet>('ReplicaSet')) {
    const owner = rs.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
    if (owner) rsOwner.set(`${rs.metadata.namespace}/${rs.metadata.name}`, owner.name);
  }
  const pods = store.list<Pod>('Pod').map((p) => podView(p, rsOwner, history, traffic))
    .sort((a, b) => codeUnitOrder(a.name, b.name));
  const deployments = store.list<Deployment>('Deployment').map((d): DeploymentView => ({
    name: d.metadata.name, namespace: d.metadata.namespace ?? 'default',
    replicas: d.spec?.replicas ?? APPS_DEFAULTS.replicas, ready: d.status?.readyReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0, available: d.status?.availableReplicas ?? 0,
  })).sort((a, b) => codeUnitOrder(a.name, b.name));
  const services = store.list<Service>('Service').filter((s) => s.metadata.name !== 'kubernetes').map((s) => serviceView(s, store))
    .sort((a, b) => codeUnitOrder(a.name, b.name));
  const events = store.list<Event>('Event')
    .map((e): EventView => ({
      time: e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '',
      type: e.type ?? 'Normal', reason: e.reason ?? '',
      object: `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      message: (e.message ?? '').trim(), count: e.count ?? 1,
    }))
    // RFC 3339 timestamps in UTC sort as strings: no Date parsing per comparison.
    .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
    .slice(0, MAX_EVENTS);
  const nodes = store.list<Node>('Node').map((n): NodeView => ({
    name: n.metadata.name,
    ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown',
    unschedulable: !!n.spec?.unschedulable,
    taints: (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
  }));
  return { nodes, deployments, pods, services, events };
}

function podView(p: Stored<Pod>, rsOwner: Map<string, string>, history: ProbeHistory | undefined,
  traffic: Record<string, PodTraffic>): PodView {
  const rs = p.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
  const ticks = history?.forPod(p.metadata.uid ?? '') ?? {};
  const containers = (p.spec?.containers ?? []).map((spec): ContainerView => {
    const st = p.status?.containerStatuses?.find((c) => c.name === spec.name);
    const probes: ContainerView['probes'] = {};
    for (const [type, probe] of [['liveness', spec.livenessProbe], ['readiness', spec.readinessProbe], ['startup', spec.startupProbe]] as const) {
      if (!probe) continue;
      probes[type] = { ticks: ticks[spec.name]?.[type] ?? [], failureThreshold: probe.failureThreshold ?? 3, periodSeconds: probe.periodSeconds ?? 10 };
    }
    const state = st?.state?.running ? 'running'
      : st?.state?.waiting ? `waiting: ${st.state.waiting.reason ?? ''}`
        : st?.state?.terminated ? `terminated: ${st.state.terminated.reason ?? ''}` : 'pending';
    return {
      name: spec.name, ready: st?.ready ?? false, restartCount: st?.restartCount ?? 0, state, probes,
      nextRestartAt: nextRestart(st?.state?.waiting, st?.lastState?.terminated?.finishedAt),
    };
  });
  return {
    name: p.metadata.name, namespace: p.metadata.namespace ?? 'default',
    deployment: rs ? rsOwner.get(`${p.metadata.namespace}/${rs.name}`) : undefined,
    phase: p.status?.phase ?? 'Pending', status: podStatusReason(p), readyText: podReady(p),
    ready: isPodReady(p),
    restarts: podRestartCount(p), deleting: !!p.metadata.deletionTimestamp, containers,
    traffic: traffic[p.metadata.name] ?? { rate: 0, active: 0, total: 0 },
    createdAt: p.metadata.creationTimestamp ?? '',
    ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}),
  };
}

/** CrashLoopBackOff's message is "back-off 20s restarting failed container=..."; the clock runs from the exit. */
export function nextRestart(waiting: { reason?: string; message?: string } | undefined, finishedAt: string | undefined): number | undefined {
  if (waiting?.reason !== 'CrashLoopBackOff' || !finishedAt) return undefined;
  const m = /back-off (\S+)/.exec(waiting.message ?? '');
  const ms = m ? parseGoDuration(m[1]!) : undefined;
  const end = Date.parse(finishedAt);
  return ms === undefined || Number.isNaN(end) ? undefined : end + ms;
}

/** "5m0s", "20s", "1m20s", "300ms" → ms */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(re)) {
    matched += m[0];
    total += Number(m[1]) * ({ h: 3600_000, m: 60_000, s: 1000, ms: 1 } as const)[m[2] as 'h' | 'm' | 's' | 'ms'];
  }
  return matched === s && s.length > 0 ? total : undefined;
}

function serviceView(s: Stored<Service>, store: Store): ServiceView {
  const ep = store.get<Endpoints>('Endpoints', s.metadata.namespace, s.metadata.name);
  const endpoints = new Set<string>();
  const notReady = new Set<string>();
  for (const subset of ep?.subsets ?? []) {
    for (const a of subset.addresses ?? []) if (a.targetRef?.name) endpoints.add(a.targetRef.name);
    for (const a of subset.notReadyAddresses ?? []) if (a.targetRef?.name) notReady.add(a.targetRef.name);
  }
  return {
    name: s.metadata.name, namespace: s.metadata.namespace ?? 'default', type: s.spec?.type ?? 'ClusterIP',
    ports: (s.spec?.ports ?? []).map((p) => ({ port: p.port, targetPort: String(p.targetPort ?? p.port), nodePort: p.nodePort ?? undefined })),
    endpoints: [...endpoints].sort(), notReady: [...notReady].sort(),
  };
}
