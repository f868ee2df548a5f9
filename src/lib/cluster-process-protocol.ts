// The messages between a library Cluster and the process its control plane runs in (IPC, JSON).
import type { ControlPlaneOptions } from '../control-plane/control-plane.js';

export interface StartRequest {
  type: 'start';
  home: string;
  /** the library made the home: the child deletes it when the parent is gone */
  ownsHome: boolean;
  clusterId: string;
  options: { publishPorts: boolean; allowPrivileged?: boolean; clusterDNS?: string[]; metricsResolutionMs?: number; hpaSyncPeriodMs?: number; publishState: boolean; log: boolean; fsync: boolean;
    nodes?: ControlPlaneOptions['nodes']; nodeMonitorGraceMs?: number; nodeMonitorPeriodMs?: number; nodeLeaseRenewMs?: number;
  };
}

export type ParentMessage =
  | StartRequest
  | { type: 'kill'; id: number; podUid: string; container: string; signal: string }
  | { type: 'stop' };

export interface Started {
  type: 'started';
  url: string;
  port: number;
  token: string;
  caPem: string;
  clusterId: string;
  nodePortAddress?: string;
}

export type ChildMessage =
  | { type: 'loaded' }
  | Started
  | { type: 'failed'; message: string }
  | { type: 'log'; line: string }
  | { type: 'reply'; id: number; value?: string; error?: string }
  | { type: 'stopped' };
