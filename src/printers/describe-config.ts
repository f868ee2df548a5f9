// `kubectl describe` for ConfigMap, Secret and Namespace, after kubectl 1.32's describeConfigMap,
// describeSecret and describeNamespace. A Secret's values are never printed: their sizes only.
import type { ConfigMap, Event, Namespace, Secret } from '../kube/types.js';
import {
  describeEvents, LEVEL_0, printAnnotationsMultiline, printLabelsMultiline, tabbedString,
} from './describe-writer.js';

const sortedEntries = (m: Record<string, string> | undefined): [string, string][] =>
  Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function describeConfigMap(cm: ConfigMap, events: Event[] | undefined, now: Date): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${cm.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${cm.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cm.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', cm.metadata?.annotations);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const [k, v] of sortedEntries(cm.data)) w.write(LEVEL_0, `${k}:\n----\n${v}\n\n`);
    w.write(LEVEL_0, '\nBinaryData\n====\n');
    for (const [k, v] of sortedEntries(cm.binaryData)) w.write(LEVEL_0, `${k}: ${Buffer.from(v, 'base64').length} bytes\n`);
    w.write(LEVEL_0, '\n');
    if (events) describeEvents(events, w, now);
  });
}

export function describeSecret(secret: Secret): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${secret.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${secret.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', secret.metadata?.labels);
    const annotations = { ...(secret.metadata?.annotations ?? {}) };
    // kubectl leaves out last-applied-configuration here: it would hold the values
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    printAnnotationsMultiline(w, 'Annotations', annotations);
    w.write(LEVEL_0, `\nType:\t${secret.type ?? ''}\n`);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const [k, v] of sortedEntries(secret.data)) w.write(LEVEL_0, `${k}:\t${Buffer.from(v, 'base64').length} bytes\n`);
  });
}

export function describeNamespace(ns: Namespace): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${ns.metadata?.name ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', ns.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', ns.metadata?.annotations);
    w.write(LEVEL_0, `Status:\t${ns.status?.phase ?? ''}\n`);
    w.write(LEVEL_0, '\nNo resource quota.\n');
    w.write(LEVEL_0, '\nNo LimitRange resource.\n');
  });
}
