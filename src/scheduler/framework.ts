// The scheduling framework's vocabulary (pkg/scheduler/framework): a snapshot of the nodes with the pods
// bound to each, the plugins' Filter and Score, and the statuses a filter returns. Everything here is
// pure data: the plugins are functions of (pod, snapshot) and are table-tested without a store.
import type { Node, Pod } from '../kube/types.js';
import { podRequests, ZERO, type Requests } from '../kube/pod-requests.js';

/** Unschedulable: preemption might help; UnschedulableAndUnresolvable: it cannot (framework/interface.go). */
export type FailureCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface FilterFailure {
  code: FailureCode;
  /** the reasons as kube-scheduler words them; each counts once per node in the FailedScheduling message */
  reasons: string[];
}

/** A node and what is bound to it (framework.NodeInfo). */
export interface NodeInfo {
  node: Node;
  name: string;
  labels: Record<string, string>;
  pods: Map<string, Pod>;
  /** the pods here with pod affinity or anti-affinity (what InterPodAffinity must look at) */
  podsWithAffinity: Map<string, Pod>;
  requested: Requests;
  /** the requests with the scoring defaults for containers that request nothing */
  nonZeroRequested: Requests;
}

export interface Snapshot {
  nodes: NodeInfo[];
  byName: Map<string, NodeInfo>;
  /** namespace labels, for namespaceSelector in pod affinity terms */
  namespaceLabels?: (namespace: string) => Record<string, string> | undefined;
}

export const MAX_NODE_SCORE = 100;

/** One plugin's answers for one pod. State computed once per pod (PreFilter/PreScore) lives in the closure. */
export interface PodPlugin {
  filter?(node: NodeInfo): FilterFailure | undefined;
  /** raw score of a node that passed the filters */
  score?(node: NodeInfo): number;
  /** NormalizeScore: the raw scores of the feasible nodes to 0..MAX_NODE_SCORE, in place */
  normalize?(scores: number[]): void;
}

export interface Plugin {
  name: string;
  /** the score weight of kube-scheduler's default profile (0: a filter only) */
  weight: number;
  /** PreFilter + PreScore for one pod; undefined: the plugin has nothing to say about this pod */
  forPod(pod: Pod, snapshot: Snapshot): PodPlugin | undefined;
}

export function newNodeInfo(node: Node): NodeInfo {
  return { node, name: node.metadata!.name!, labels: node.metadata?.labels ?? {}, pods: new Map(), podsWithAffinity: new Map(), requested: { ...ZERO }, nonZeroRequested: { ...ZERO } };
}

function addTo(a: Requests, b: Requests, sign: 1 | -1): void {
  a.milliCpu += sign * b.milliCpu;
  a.memory += sign * b.memory;
  a.ephemeralStorage += sign * b.ephemeralStorage;
}

export function addPod(info: NodeInfo, pod: Pod): void {
  const uid = pod.metadata!.uid!;
  if (info.pods.has(uid)) removePod(info, info.pods.get(uid)!);
  info.pods.set(uid, pod);
  const a = pod.spec?.affinity;
  if (a?.podAffinity || a?.podAntiAffinity) info.podsWithAffinity.set(uid, pod);
  addTo(info.requested, podRequests(pod), 1);
  addTo(info.nonZeroRequested, podRequests(pod, true), 1);
}

export function removePod(info: NodeInfo, pod: Pod): void {
  const uid = pod.metadata!.uid!;
  const had = info.pods.get(uid);
  if (!had) return;
  info.pods.delete(uid);
  info.podsWithAffinity.delete(uid);
  addTo(info.requested, podRequests(had), -1);
  addTo(info.nonZeroRequested, podRequests(had, true), -1);
}

/** A snapshot from nodes and pods (the pods bound to a listed node count there). For tests and the bench. */
export function snapshotOf(nodes: Node[], pods: Pod[]): Snapshot {
  const infos = nodes.map(newNodeInfo);
  const byName = new Map(infos.map((n) => [n.name, n]));
  for (const p of pods) {
    const n = p.spec?.nodeName ? byName.get(p.spec.nodeName) : undefined;
    if (n && !isTerminal(p)) addPod(n, p);
  }
  return { nodes: infos, byName };
}

/** Succeeded and Failed pods hold nothing on their node. */
export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Min-max to 0..100, kube-scheduler's DefaultNormalizeScore (reverse: lower raw is better). */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  const maxScore = Math.max(0, ...scores);
  for (let i = 0; i < scores.length; i++) {
    if (maxScore === 0) { scores[i] = reverse ? MAX_NODE_SCORE : 0; continue; }
    const s = Math.floor(scores[i]! * MAX_NODE_SCORE / maxScore);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
