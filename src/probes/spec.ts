// Probe timing fields with SetDefaults_Probe applied (pkg/apis/core/v1/defaults.go). The API defaults
// them already; the worker applies the same rule so a pod that skipped defaulting behaves the same.
import type { Probe } from '../kube/types.js';

export interface ProbeTimings {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTimings(probe: Probe): ProbeTimings {
  const orDefault = (v: number | undefined, d: number): number => (v === undefined || v === 0 ? d : v);
  return {
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: orDefault(probe.periodSeconds, 10),
    timeoutSeconds: orDefault(probe.timeoutSeconds, 1),
    successThreshold: orDefault(probe.successThreshold, 1),
    failureThreshold: orDefault(probe.failureThreshold, 3),
  };
}

export type ProbeHandlerKind = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc';

/** The one handler a (validated) probe has; undefined when it has none. */
export function handlerKind(probe: Probe): ProbeHandlerKind | undefined {
  if (probe.exec) return 'exec';
  if (probe.httpGet) return 'httpGet';
  if (probe.tcpSocket) return 'tcpSocket';
  if (probe.grpc) return 'grpc';
  return undefined;
}
