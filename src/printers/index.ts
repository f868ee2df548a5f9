// Everything mini-kube prints the way kubectl does: ages, pod STATUS/READY/RESTARTS, server-side Tables,
// the tabwriter layout, describe pages and -o json|yaml. Pure functions over Kubernetes objects.
export { humanDuration, parseTimestamp, translateTimestampSince } from './age.js';
export { podReady, podRestartCount, podRestarts, podStatusReason, summarizePod, type PodSummary } from './pod-status.js';
export { COLUMNS, tableFor, type Table, type TableColumnDefinition, type TableKind, type TableRow, type TableRowCondition } from './tables.js';
export {
  cellText, escapeTerminal, formatTable, KUBECTL_TABWRITER, newKubectlTabWriter, noResourcesMessage, printTable, tableLines,
  type PrintableColumn, type PrintableTable, type PrintTableOptions,
} from './tabwriter.js';
export { TabWriter, tabwrite, type TabWriterOptions } from './go-tabwriter.js';
export { describeDeployment, describePod, describeReplicaSet, describeService, splitReplicaSets } from './describe.js';
export { describeProbe, podQOS } from './describe-containers.js';
export { describeCronJob, describeDaemonSet, describeJob } from './describe-workloads.js';
export { formatRFC1123Z } from './describe-writer.js';
export { asList, toJson, toYaml } from './yaml-json.js';
export { formatLabels, formatLabelSelector, labelSelectorString } from './selectors.js';
export { formatEndpoints, makePortString, serviceExternalIP } from './service-format.js';
export { defaultDeployment, defaultPod, defaultReplicaSet, defaultService } from './defaults.js';
