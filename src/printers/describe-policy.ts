// kubectl describe poddisruptionbudget (describe.go describePodDisruptionBudgetV1), line for line.
import type { Event, PodDisruptionBudget } from '../kube/types.js';
import { describeEvents, LEVEL_0, LEVEL_2, tabbedString } from './describe-writer.js';
import { formatLabelSelector } from './selectors.js';

export function describePodDisruptionBudget(pdb: PodDisruptionBudget, events: Event[] | undefined, now: Date): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${pdb.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${pdb.metadata?.namespace ?? ''}\n`);
    if (pdb.spec?.minAvailable !== undefined) w.write(LEVEL_0, `Min available:\t${pdb.spec.minAvailable}\n`);
    else if (pdb.spec?.maxUnavailable !== undefined) w.write(LEVEL_0, `Max unavailable:\t${pdb.spec.maxUnavailable}\n`);
    w.write(LEVEL_0, `Selector:\t${pdb.spec?.selector ? formatLabelSelector(pdb.spec.selector) : '<unset>'}\n`);
    w.write(LEVEL_0, 'Status:\n');
    w.write(LEVEL_2, `Allowed disruptions:\t${pdb.status?.disruptionsAllowed ?? 0}\n`);
    w.write(LEVEL_2, `Current:\t${pdb.status?.currentHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Desired:\t${pdb.status?.desiredHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Total:\t${pdb.status?.expectedPods ?? 0}\n`);
    if (events) describeEvents(events, w, now);
  });
}
