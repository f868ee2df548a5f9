// InterPodAffinity (plugins/interpodaffinity): required pod affinity and anti-affinity of the incoming pod,
// and the required anti-affinity of the pods already bound (symmetry), as a filter; preferred terms (the
// pod's own and, by symmetry, those of bound pods) as a score. A term's domain is the topologyKey label's
// value: two nodes with the same value are one domain; a node without the label is in none.
import type { Pod, PodAffinityTerm } from '../../kube/types.js';
import { selectorMatches } from '../../kube/labels.js';
import { MAX_NODE_SCORE, type NodeInfo, type Plugin, type Snapshot } from '../framework.js';

export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/** Whether `pod` is selected by `term` written on `owner` (its namespaces: the listed, the selected, else the owner's). */
export function termSelects(term: PodAffinityTerm, owner: Pod, pod: Pod, snapshot: Snapshot): boolean {
  // a nil labelSelector selects nothing; an empty one everything
  if (!term.labelSelector) return false;
  const ns = pod.metadata?.namespace ?? 'default';
  const listed = term.namespaces ?? [];
  let inNamespace: boolean;
  if (!listed.length && !term.namespaceSelector) inNamespace = ns === (owner.metadata?.namespace ?? 'default');
  else inNamespace = listed.includes(ns) || (!!term.namespaceSelector && selectorMatches(term.namespaceSelector, snapshot.namespaceLabels?.(ns) ?? {}));
  return inNamespace && selectorMatches(term.labelSelector, pod.metadata?.labels);
}

const required = (terms: PodAffinityTerm[] | undefined) => terms ?? [];

export const interPodAffinity: Plugin = {
  name: 'InterPodAffinity',
  weight: 2,
  forPod(pod, snapshot) {
    const aff = pod.spec?.affinity;
    const affinityTerms = required(aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    const antiTerms = required(aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    const preferredAff = aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const preferredAnti = aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const ownTerms = affinityTerms.length + antiTerms.length + preferredAff.length + preferredAnti.length;
    const withAffinity = snapshot.nodes.some((n) => n.podsWithAffinity.size);
    if (!ownTerms && !withAffinity) return undefined;

    // PreFilter: the domains (topologyKey=value) that bound pods' anti-affinity forbids to this pod, and
    // per own term the domains where a matching pod runs (affinity) or must not be (anti-affinity).
    const forbidden = new Set<string>();
    const affinityCounts = affinityTerms.map(() => new Set<string>());
    const antiCounts = antiTerms.map(() => new Set<string>());
    const scores = new Map<string, number>();
    const addScore = (key: string, value: string, w: number) => {
      const k = `${key}=${value}`;
      scores.set(k, (scores.get(k) ?? 0) + w);
    };
    const domain = (n: NodeInfo, key: string) => n.labels[key];
    for (const n of snapshot.nodes) {
      const existing = ownTerms ? n.pods.values() : n.podsWithAffinity.values();
      for (const other of existing) {
        if (other.metadata?.deletionTimestamp) continue;
        const oa = other.spec?.affinity;
        for (const t of required(oa?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution)) {
          const v = domain(n, t.topologyKey);
          if (v !== undefined && termSelects(t, other, pod, snapshot)) forbidden.add(`${t.topologyKey}=${v}`);
        }
        // symmetry of preferred terms: bound pods that like (or dislike) this one pull (or push) it
        for (const w of oa?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
          const v = domain(n, w.podAffinityTerm.topologyKey);
          if (v !== undefined && termSelects(w.podAffinityTerm, other, pod, snapshot)) addScore(w.podAffinityTerm.topologyKey, v, w.weight);
        }
        for (const w of oa?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
          const v = domain(n, w.podAffinityTerm.topologyKey);
          if (v !== undefined && termSelects(w.podAffinityTerm, other, pod, snapshot)) addScore(w.podAffinityTerm.topologyKey, v, -w.weight);
        }
        affinityTerms.forEach((t, i) => {
          const v = domain(n, t.topologyKey);
          if (v !== undefined && termSelects(t, pod, other, snapshot)) affinityCounts[i]!.add(v);
        });
        antiTerms.forEach((t, i) => {
          const v = domain(n, t.topologyKey);
          if (v !== undefined && termSelects(t, pod, other, snapshot)) antiCounts[i]!.add(v);
        });
        for (const w of preferredAff) {
          const v = domain(n, w.podAffinityTerm.topologyKey);
          if (v !== undefined && termSelects(w.podAffinityTerm, pod, other, snapshot)) addScore(w.podAffinityTerm.topologyKey, v, w.weight);
        }
        for (const w of preferredAnti) {
          const v = domain(n, w.podAffinityTerm.topologyKey);
          if (v !== undefined && termSelects(w.podAffinityTerm, pod, other, snapshot)) addScore(w.podAffinityTerm.topologyKey, v, -w.weight);
        }
      }
    }
    // The first pod of a group that wants to be with its own kind: no pod matches anywhere, and the pod
    // matches its own terms; then affinity does not hold it back (satisfyPodAffinity's special case).
    const noneAnywhere = affinityCounts.every((s) => s.size === 0);
    const selfMatch = affinityTerms.every((t) => termSelects(t, pod, pod, snapshot));
    const scoreKeys = [...scores.keys()].map((k) => k.slice(0, k.indexOf('=')));
    return {
      filter(n) {
        // kube-scheduler's order: the pod's affinity, its anti-affinity, then the bound pods' anti-affinity
        for (let i = 0; i < affinityTerms.length; i++) {
          const v = domain(n, affinityTerms[i]!.topologyKey);
          // a node without the topology label never satisfies affinity
          if (v === undefined) return { code: 'UnschedulableAndUnresolvable', reasons: [ERR_AFFINITY] };
          if (!affinityCounts[i]!.has(v) && !(noneAnywhere && selfMatch)) return { code: 'UnschedulableAndUnresolvable', reasons: [ERR_AFFINITY] };
        }
        for (let i = 0; i < antiTerms.length; i++) {
          const v = domain(n, antiTerms[i]!.topologyKey);
          if (v !== undefined && antiCounts[i]!.has(v)) return { code: 'Unschedulable', reasons: [ERR_ANTI_AFFINITY] };
        }
        for (const f of forbidden) {
          const key = f.slice(0, f.indexOf('='));
          if (`${key}=${n.labels[key]}` === f && n.labels[key] !== undefined) return { code: 'Unschedulable', reasons: [ERR_EXISTING_ANTI_AFFINITY] };
        }
        return undefined;
      },
      score(n) {
        let s = 0;
        for (const key of new Set(scoreKeys)) {
          const v = n.labels[key];
          if (v !== undefined) s += scores.get(`${key}=${v}`) ?? 0;
        }
        return s;
      },
      // min-max over the feasible nodes, negatives included (NormalizeScore of interpodaffinity)
      normalize(list) {
        const lo = Math.min(...list), hi = Math.max(...list);
        for (let i = 0; i < list.length; i++) list[i] = hi - lo > 0 ? Math.floor(MAX_NODE_SCORE * (list[i]! - lo) / (hi - lo)) : 0;
      },
    };
  },
};
