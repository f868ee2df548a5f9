// HorizontalPodAutoscaler in kubectl 1.32's words: the table row of printers.go (printHorizontalPodAutoscaler,
// formatHPAMetrics: "cpu: 12%/50%", at most two metrics then "+ N more...") and describe.go's
// describeHorizontalPodAutoscalerV2.
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, Event } from '../kube/types.js';
import { describeEvents, formatRFC1123Z, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, printAnnotationsMultiline, printLabelsMultiline, tabbedString, type PrefixWriter } from './describe-writer.js';
import { defaultHorizontalPodAutoscaler, defaultScaleDownRules, defaultScaleUpRules } from '../kube/hpa.js';
import type { HPAScalingRules } from '../kube/types.js';

/** Quantity.String() of what the controller wrote: stored as it came. */
const q = (v: string | number | undefined) => (v === undefined ? '<unknown>' : String(v));

export function formatHpaMetrics(specs: MetricSpec[] | undefined, statuses: MetricStatus[] | undefined): string {
  if (!specs?.length) return '<none>';
  const list: string[] = [];
  specs.forEach((spec, i) => {
    if (spec.type !== 'Resource' || !spec.resource) {
      list.push('<unknown>');
      return;
    }
    const status = statuses?.[i]?.resource;
    const name = spec.resource.name;
    if (spec.resource.target?.averageValue !== undefined) {
      list.push(`${name}: ${status ? q(status.current?.averageValue) : '<unknown>'}/${q(spec.resource.target.averageValue)}`);
    } else {
      const current = status?.current?.averageUtilization !== undefined ? `${status.current.averageUtilization}%` : '<unknown>';
      const target = spec.resource.target?.averageUtilization !== undefined ? `${spec.resource.target.averageUtilization}%` : '<auto>';
      list.push(`${name}: ${current}/${target}`);
    }
  });
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

export function hpaCells(hpa: HorizontalPodAutoscaler, age: string): (string | number)[] {
  const ref = hpa.spec?.scaleTargetRef;
  return [
    hpa.metadata?.name ?? '',
    `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
    formatHpaMetrics(hpa.spec?.metrics, hpa.status?.currentMetrics),
    hpa.spec?.minReplicas !== undefined ? String(hpa.spec.minReplicas) : '<unset>',
    hpa.spec?.maxReplicas ?? 0,
    hpa.status?.currentReplicas ?? 0,
    age,
  ];
}

/** describeHorizontalPodAutoscalerV2 */
export function describeHorizontalPodAutoscaler(input: HorizontalPodAutoscaler, events: Event[] | undefined, now: Date): string {
  const hpa = structuredClone(input);
  defaultHorizontalPodAutoscaler(hpa);
  const spec = hpa.spec!;
  const status = hpa.status ?? { desiredReplicas: 0 };
  const meta = hpa.metadata ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${meta.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${meta.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', meta.labels);
    printAnnotationsMultiline(w, 'Annotations', meta.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${formatRFC1123Z(meta.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Reference:\t${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}\n`);
    w.write(LEVEL_0, 'Metrics:\t( current / target )\n');
    (spec.metrics ?? []).forEach((metric, i) => {
      const r = metric.resource;
      if (metric.type !== 'Resource' || !r) {
        w.write(LEVEL_1, `"${metric.type}" (unknown metric type)\n`);
        return;
      }
      const cur = status.currentMetrics?.[i]?.resource?.current;
      if (r.target.averageValue !== undefined) {
        w.write(LEVEL_1, `resource ${r.name} on pods:\t${cur?.averageValue !== undefined ? String(cur.averageValue) : '<unknown>'} / ${String(r.target.averageValue)}\n`);
      } else {
        const current = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}% (${String(cur.averageValue ?? '')})` : '<unknown>';
        w.write(LEVEL_1, `resource ${r.name} on pods  (as a percentage of request):\t${current} / ${r.target.averageUtilization ?? '<auto>'}%\n`);
      }
    });
    w.write(LEVEL_0, `Min replicas:\t${spec.minReplicas}\n`);
    w.write(LEVEL_0, `Max replicas:\t${spec.maxReplicas}\n`);
    if (spec.behavior) {
      w.write(LEVEL_0, 'Behavior:\n');
      describeRules(w, 'Scale Up', defaultScaleUpRules(spec.behavior.scaleUp));
      describeRules(w, 'Scale Down', defaultScaleDownRules(spec.behavior.scaleDown));
    }
    w.write(LEVEL_0, `${spec.scaleTargetRef.kind} pods:\t${status.currentReplicas ?? 0} current / ${status.desiredReplicas ?? 0} desired\n`);
    if (status.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------\t-------\n');
      for (const c of status.conditions) w.write(LEVEL_1, `${c.type}\t${c.status}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
    }
    describeEvents(events, w, now);
  });
}

function describeRules(w: PrefixWriter, title: string, rules: HPAScalingRules): void {
  w.write(LEVEL_1, `${title}:\n`);
  w.write(LEVEL_2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
  w.write(LEVEL_2, `Select Policy: ${rules.selectPolicy}\n`);
  w.write(LEVEL_2, 'Policies:\n');
  for (const p of rules.policies ?? []) w.write(LEVEL_3, `- Type: ${p.type}\tValue: ${p.value}\tPeriod: ${p.periodSeconds} seconds\n`);
}

