// TaintToleration (plugins/tainttoleration): a NoSchedule or NoExecute taint the pod does not tolerate
// filters the node out; each untolerated PreferNoSchedule taint lowers its score.
import { untoleratedTaint, toleratedBy } from '../../kube/taints.js';
import { defaultNormalize, type Plugin } from '../framework.js';

export const taintToleration: Plugin = {
  name: 'TaintToleration',
  weight: 3,
  forPod(pod) {
    const tolerations = pod.spec?.tolerations ?? [];
    // PreScore keeps only the tolerations that could match PreferNoSchedule
    const preferTolerations = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    return {
      filter(n) {
        const taint = untoleratedTaint(n.node.spec?.taints, tolerations, ['NoSchedule', 'NoExecute']);
        if (!taint) return undefined;
        return { code: 'UnschedulableAndUnresolvable', reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`] };
      },
      score: (n) => (n.node.spec?.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule' && !toleratedBy(t, preferTolerations)).length,
      normalize: (scores) => defaultNormalize(scores, true),
    };
  },
};
