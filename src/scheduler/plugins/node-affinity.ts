// NodeAffinity (plugins/nodeaffinity): spec.nodeSelector and requiredDuringScheduling node affinity as a
// filter, preferredDuringScheduling as a score (the sum of the matching terms' weights, normalized).
import { requiredNodeAffinityMatches, termMatches } from '../../kube/node-affinity.js';
import { defaultNormalize, type Plugin } from '../framework.js';

export { requiredNodeAffinityMatches, termMatches };

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

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
