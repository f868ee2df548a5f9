// PodTopologySpread (plugins/podtopologyspread): whenUnsatisfiable DoNotSchedule constraints filter,
// ScheduleAnyway ones score. Pods counted are those the constraint's selector matches in the pod's
// namespace, not terminating, on nodes that pass the pod's nodeSelector/required node affinity
// (nodeAffinityPolicy Honor, the default) and carry every constraint's topology key; taints are ignored
// (nodeTaintsPolicy Ignore, the default). Skew = pods in the node's domain + 1 (if the pod matches its own
// selector) - the fewest pods in any domain (0 when there are fewer domains than minDomains).
import type { Pod, TopologySpreadConstraint } from '../../kube/types.js';
import { selectorMatches } from '../../kube/labels.js';
import { requiredNodeAffinityMatches } from './node-affinity.js';
import { MAX_NODE_SCORE, type NodeInfo, type Plugin, type Snapshot } from '../framework.js';

export const ERR_SPREAD = "node(s) didn't match pod topology spread constraints";
export const ERR_SPREAD_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

interface Counted {
  c: TopologySpreadConstraint;
  counts: Map<string, number>;
  selfMatch: number;
}

function count(pod: Pod, constraints: TopologySpreadConstraint[], snapshot: Snapshot): Counted[] {
  const ns = pod.metadata?.namespace ?? 'default';
  const eligible = snapshot.nodes.filter((n) => constraints.every((c) => n.labels[c.topologyKey] !== undefined)
    && (n.node.spec ? requiredNodeAffinityMatches(pod, n.node) : true));
  return constraints.map((c) => {
    const counts = new Map<string, number>();
    for (const n of eligible) {
      const v = n.labels[c.topologyKey]!;
      let k = counts.get(v) ?? 0;
      for (const p of n.pods.values()) {
        if (p.metadata?.deletionTimestamp || (p.metadata?.namespace ?? 'default') !== ns) continue;
        if (c.labelSelector && selectorMatches(c.labelSelector, p.metadata?.labels)) k++;
      }
      counts.set(v, k);
    }
    return { c, counts, selfMatch: c.labelSelector && selectorMatches(c.labelSelector, pod.metadata?.labels) ? 1 : 0 };
  });
}

function minMatch(x: Counted): number {
  if ((x.c.minDomains ?? 1) > x.counts.size) return 0;
  return x.counts.size ? Math.min(...x.counts.values()) : 0;
}

export const podTopologySpread: Plugin = {
  name: 'PodTopologySpread',
  weight: 2,
  forPod(pod, snapshot) {
    const all = pod.spec?.topologySpreadConstraints ?? [];
    if (!all.length) return undefined;
    const hard = count(pod, all.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule'), snapshot);
    const soft = count(pod, all.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway'), snapshot);
    const softWeights = soft.map((x) => Math.log(x.counts.size + 2));
    const hasAllSoftKeys = (n: NodeInfo) => soft.every((x) => n.labels[x.c.topologyKey] !== undefined);
    return {
      filter(n) {
        for (const x of hard) {
          const v = n.labels[x.c.topologyKey];
          if (v === undefined) return { code: 'UnschedulableAndUnresolvable', reasons: [ERR_SPREAD_LABEL] };
          const skew = (x.counts.get(v) ?? 0) + x.selfMatch - minMatch(x);
          if (skew > x.c.maxSkew) return { code: 'Unschedulable', reasons: [ERR_SPREAD] };
        }
        return undefined;
      },
      score(n) {
        if (!soft.length) return 0;
        if (!hasAllSoftKeys(n)) return -1;
        let s = 0;
        soft.forEach((x, i) => { s += ((x.counts.get(n.labels[x.c.topologyKey]!) ?? 0) + x.c.maxSkew - 1) * softWeights[i]!; });
        return Math.round(s);
      },
      // fewer matching pods is better; nodes without the keys (-1) score 0
      normalize(scores) {
        const valid = scores.filter((s) => s >= 0);
        if (!soft.length || !valid.length) { scores.fill(0); return; }
        const hi = Math.max(...valid), lo = Math.min(...valid);
        for (let i = 0; i < scores.length; i++) {
          if (scores[i]! < 0) scores[i] = 0;
          else scores[i] = hi === 0 ? MAX_NODE_SCORE : Math.floor(MAX_NODE_SCORE * (hi + lo - scores[i]!) / hi);
        }
      },
    };
  },
};
