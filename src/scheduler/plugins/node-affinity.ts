// NodeAffinity (plugins/nodeaffinity): spec.nodeSelector and requiredDuringScheduling node affinity as a
// filter, preferredDuringScheduling as a score (the sum of the matching terms' weights, normalized).
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '../../kube/types.js';
import { defaultNormalize, type Plugin } from '../framework.js';

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  switch (r.operator) {
    case 'In': return has && (r.values ?? []).includes(value);
    case 'NotIn': return !has || !(r.values ?? []).includes(value);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(r.values?.[0] ?? '')) return false;
      const v = Number(value), bound = Number(r.values![0]);
      return r.operator === 'Gt' ? v > bound : v < bound;
    }
    default: return false;
  }
}

/** One NodeSelectorTerm: its expressions and fields ANDed; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata?.labels ?? {};
  return exprs.every((r) => requirementMatches(r, Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined))
    && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata?.name));
}

/** nodeSelector and required node affinity (GetRequiredNodeAffinity(pod).Match): both must hold. */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !terms || terms.some((t) => termMatches(t, node));
}

export const nodeAffinity: Plugin = {
  name: 'NodeAffinity',
  weight: 2,
  forPod(pod) {
    const preferred = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const filters = !!pod.spec?.nodeSelector || !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!filters && !preferred.length) return undefined;
    return {
      filter: (n) => (requiredNodeAffinityMatches(pod, n.node) ? undefined : { code: 'UnschedulableAndUnresolvable', reasons: [ERR_NODE_AFFINITY] }),
      score: (n) => preferred.reduce((sum, p) => sum + (p.weight && termMatches(p.preference, n.node) ? p.weight : 0), 0),
      normalize: (scores) => defaultNormalize(scores, false),
    };
  },
};
