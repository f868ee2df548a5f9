// Event reasons and message texts of probes and probe-triggered kills (pkg/kubelet/prober/prober.go,
// pkg/kubelet/kuberuntime/kuberuntime_manager.go), in one place for the prober and the kubelet.
import type { HandlerResult, ProbeType } from './types.js';

export const REASON_UNHEALTHY = 'Unhealthy';
export const REASON_PROBE_WARNING = 'ProbeWarning';
export const REASON_KILLING = 'Killing';

/** probeType.String(): `Liveness`, `Readiness`, `Startup`. */
export function probeTypeTitle(type: ProbeType): string {
  return type[0].toUpperCase() + type.slice(1);
}

/** Warning Unhealthy, on every failed probe: `Liveness probe failed: HTTP probe failed with statuscode: 500`. */
export function probeFailedMessage(type: ProbeType, output: string): string {
  return `${probeTypeTitle(type)} probe failed: ${output}`;
}

/** Warning ProbeWarning: `Readiness probe warning: Probe terminated redirects, Response body: ...`. */
export function probeWarningMessage(type: ProbeType, output: string): string {
  return `${probeTypeTitle(type)} probe warning: ${output}`;
}

/** Warning Unhealthy after the retries: `Readiness probe errored and resulted in unknown state: <err>`. */
export function probeErroredMessage(type: ProbeType, result: HandlerResult, error: string): string {
  return `${probeTypeTitle(type)} probe errored and resulted in ${result} state: ${error}`;
}

/**
 * Normal Killing for a probe-triggered kill: `Container liveness failed liveness probe, will be restarted`.
 * Without a restart (restartPolicy Never) the kubelet still kills, and the suffix is left out.
 */
export function probeKillMessage(containerName: string, type: 'liveness' | 'startup', willRestart: boolean): string {
  const base = `Container ${containerName} failed ${type} probe`;
  return willRestart ? `${base}, will be restarted` : base;
}

export function livenessKillMessage(containerName: string, willRestart: boolean): string {
  return probeKillMessage(containerName, 'liveness', willRestart);
}

export function startupKillMessage(containerName: string, willRestart: boolean): string {
  return probeKillMessage(containerName, 'startup', willRestart);
}

/** Normal Killing when a pod is deleted. */
export function stoppingContainerMessage(containerName: string): string {
  return `Stopping container ${containerName}`;
}
