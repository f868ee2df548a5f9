// One scheduling decision (schedule_one.go's schedulePod): run every plugin's filter on every node, score
// the feasible ones with the default profile's weights, pick the highest (ties at random, as
// selectHost's reservoir sampling). A pod that fits nowhere gets kube-scheduler's FitError message, with
// the preemption post-filter's verdict appended (mini-kube has no priorities, so preemption never helps).
import type { Pod } from '../kube/types.js';
import type { FailureCode, NodeInfo, Plugin, PodPlugin, Snapshot } from './framework.js';
import { nodeName, nodeResourcesFit, nodeUnschedulable } from './plugins/basic.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { taintToleration } from './plugins/taint-toleration.js';
import { interPodAffinity } from './plugins/inter-pod-affinity.js';
import { podTopologySpread } from './plugins/pod-topology-spread.js';

/** The default profile's filters in kube-scheduler's order (the first failing filter answers for a node). */
export const DEFAULT_PLUGINS: readonly Plugin[] = [
  nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodeResourcesFit, podTopologySpread, interPodAffinity,
];

export type ScheduleResult =
  | { node: string; feasible: number; evaluated: number }
  | { node?: undefined; message: string; unresolvable: boolean };

export function schedulePod(pod: Pod, snapshot: Snapshot, plugins: readonly Plugin[] = DEFAULT_PLUGINS, random: () => number = Math.random): ScheduleResult {
  const total = snapshot.nodes.length;
  if (!total) return { message: 'no nodes available to schedule pods', unresolvable: false };
  const active: { p: Plugin; pp: PodPlugin }[] = [];
  for (const p of plugins) {
    const pp = p.forPod(pod, snapshot);
    if (pp) active.push({ p, pp });
  }
  const feasible: NodeInfo[] = [];
  const reasons = new Map<string, number>();
  const codes = new Map<string, FailureCode>();
  for (const n of snapshot.nodes) {
    let failed = false;
    for (const { pp } of active) {
      const f = pp.filter?.(n);
      if (!f) continue;
      for (const r of f.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      codes.set(n.name, f.code);
      failed = true;
      break;
    }
    if (!failed) feasible.push(n);
  }
  if (!feasible.length) {
    return { message: fitErrorMessage(total, reasons, codes), unresolvable: [...codes.values()].every((c) => c === 'UnschedulableAndUnresolvable') };
  }
  if (feasible.length === 1) return { node: feasible[0]!.name, feasible: 1, evaluated: total };
  const totals = new Array<number>(feasible.length).fill(0);
  for (const { p, pp } of active) {
    if (!pp.score || !p.weight) continue;
    const scores = feasible.map((n) => pp.score!(n));
    pp.normalize?.(scores);
    for (let i = 0; i < scores.length; i++) totals[i]! += scores[i]! * p.weight;
  }
  let best = -Infinity, chosen = 0, ties = 0;
  for (let i = 0; i < totals.length; i++) {
    if (totals[i]! > best) { best = totals[i]!; chosen = i; ties = 1; } else if (totals[i] === best) {
      ties++;
      if (random() * ties < 1) chosen = i;
    }
  }
  return { node: feasible[chosen]!.name, feasible: feasible.length, evaluated: total };
}

/** "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: ..." (FitError.Error). */
export function fitErrorMessage(total: number, reasons: Map<string, number>, codes: Map<string, FailureCode>): string {
  const histogram = (m: Map<string, number>) => [...m].map(([r, n]) => `${n} ${r}`).sort().join(', ');
  let msg = `0/${total} nodes are available: ${histogram(reasons)}.`;
  // DefaultPreemption's PostFilter: nodes failed by an unresolvable filter cannot be helped; on the others
  // it would look for lower-priority pods to evict, and mini-kube's pods all have priority 0.
  const post = new Map<string, number>();
  for (const code of codes.values()) {
    const r = code === 'UnschedulableAndUnresolvable' ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    post.set(r, (post.get(r) ?? 0) + 1);
  }
  msg += ` preemption: 0/${total} nodes are available: ${histogram(post)}.`;
  return msg;
}
