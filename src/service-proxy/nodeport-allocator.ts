// nodePort and clusterIP allocation at Service admission, as the apiserver's service registry does it:
// an explicit nodePort must lie in 30000-32767 and be free; otherwise one is chosen at random, the upper
// (dynamic) band first (k8s-semantics §6.1), skipping ports another program already holds on the host.
// The allocations are the Services' own fields in the store, so they survive restarts by construction.
import * as net from 'node:net';
import type { Service } from '../kube/types.js';
import { invalid } from '../kube/errors.js';
import type { Store } from '../store/store.js';
import { inBlock, type ClusterBlock } from '../runtime/subnets.js';

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
const RANGE_SIZE = NODE_PORT_MAX - NODE_PORT_MIN + 1;
/** calculateRangeOffset: min(max(16, size/32), 128) = 86 for the default range */
const STATIC_BAND = Math.min(Math.max(16, Math.floor(RANGE_SIZE / 32)), 128);

/** the cluster's block of ClusterIPs, once its network agent holds one */
export interface ClusterIPSource {
  /** the block once known */
  readonly block: ClusterBlock | undefined;
  whenKnown(): Promise<ClusterBlock | undefined>;
  next(block: ClusterBlock): string;
}

export type PortProbe = (port: number) => Promise<boolean>;

/** True when nothing listens on the port at that address (we can bind it). */
export function hostPortFree(address = '127.0.0.1'): PortProbe {
  return (port) => new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: address, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function usesNodePorts(svc: Service): boolean {
  return svc.spec?.type === 'NodePort' || svc.spec?.type === 'LoadBalancer';
}

/** Ports held by other Services (the one being updated excluded). */
function allocatedPorts(store: Store, self: Service): Set<number> {
  const used = new Set<number>();
  for (const s of store.list<Service>('Service')) {
    if (s.metadata.namespace === (self.metadata?.namespace ?? 'default') && s.metadata.name === self.metadata?.name) continue;
    for (const p of s.spec?.ports ?? []) if (p.nodePort) used.add(p.nodePort);
  }
  return used;
}

function allocatedClusterIPs(store: Store): Set<string> {
  return new Set(store.list<Service>('Service').map((s) => s.spec?.clusterIP).filter((ip): ip is string => !!ip));
}

/**
 * Fills in spec.clusterIP and the nodePorts of a Service being created or updated (old = the stored
 * copy on update). Throws 422 Invalid with Kubernetes' messages for explicit ports that cannot be had.
 */
export async function allocateServiceAddresses(store: Store, svc: Service, old: Service | undefined, isFree: PortProbe, clusterIPs?: ClusterIPSource): Promise<Service> {
  const out = structuredClone(svc);
  const spec = (out.spec ??= {});
  const name = out.metadata?.name ?? '';
  if ((!spec.clusterIP || spec.clusterIP === '') && spec.type !== 'ExternalName') {
    // a ClusterIP the cluster's network agent serves (cluster-ip/cluster-ips.ts); display-only without one
    const block = old?.spec?.clusterIP ? undefined : await clusterIPs?.whenKnown();
    spec.clusterIP = old?.spec?.clusterIP ?? (block ? clusterIPs!.next(block) : nextClusterIP(allocatedClusterIPs(store)));
  } else if (spec.clusterIP && spec.clusterIP !== 'None' && spec.clusterIP !== old?.spec?.clusterIP && clusterIPs) {
    // an explicit address must lie in the cluster's block and be free, as the apiserver's IP allocator says
    const block = clusterIPs.block;
    const field = [{ field: 'spec.clusterIP', message: '' }];
    if (block && !inBlock(block, spec.clusterIP)) {
      field[0]!.message = `Invalid value: "${spec.clusterIP}": provided IP is not in the valid range. The range of valid IPs is ${block.first}-${block.last}`;
      throw invalid('Service', '', name, field);
    }
    if (allocatedClusterIPs(store).has(spec.clusterIP) || spec.clusterIP === block?.agentIP) {
      field[0]!.message = `Invalid value: "${spec.clusterIP}": provided IP is already allocated`;
      throw invalid('Service', '', name, field);
    }
  }
  if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  if (!usesNodePorts(out)) return out;

  const used = allocatedPorts(store, out);
  const errors: { field: string; message: string }[] = [];
  const mine = new Set<number>();
  (spec.ports ?? []).forEach((p, i) => {
    if (!p.nodePort) return;
    const field = `spec.ports[${i}].nodePort`;
    if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) {
      errors.push({ field, message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}` });
    } else if (used.has(p.nodePort) || mine.has(p.nodePort)) {
      errors.push({ field, message: `Invalid value: ${p.nodePort}: provided port is already allocated` });
    }
    mine.add(p.nodePort);
  });
  if (errors.length) throw invalid('Service', '', name, errors);

  for (const p of spec.ports ?? []) {
    if (p.nodePort) continue;
    const kept = old?.spec?.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
    if (kept && !used.has(kept) && !mine.has(kept)) {
      p.nodePort = kept;
    } else {
      p.nodePort = await pickNodePort(new Set([...used, ...mine]), isFree);
    }
    mine.add(p.nodePort);
  }
  if (spec.type === 'LoadBalancer') out.status = { loadBalancer: { ingress: [{ hostname: 'localhost' }] } };
  return out;
}

async function pickNodePort(taken: Set<number>, isFree: PortProbe): Promise<number> {
  const dynamic = range(NODE_PORT_MIN + STATIC_BAND, NODE_PORT_MAX);
  const staticBand = range(NODE_PORT_MIN, NODE_PORT_MIN + STATIC_BAND - 1);
  for (const band of [dynamic, staticBand]) {
    for (const port of shuffled(band)) {
      if (taken.has(port)) continue;
      if (await isFree(port)) return port;
    }
  }
  throw invalid('Service', '', '', [{ field: 'spec.ports', message: 'range of valid ports is full: no nodePort is free in 30000-32767' }]);
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function shuffled(list: number[]): number[] {
  // Only the first few candidates are ever looked at; a partial Fisher-Yates is enough.
  const a = [...list];
  for (let i = 0; i < Math.min(a.length, 64); i++) {
    const j = i + Math.floor(Math.random() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Cluster IPs are for display (kubectl's CLUSTER-IP column); 10.96.0.1 is the `kubernetes` Service's. */
function nextClusterIP(taken: Set<string>): string {
  for (let n = 2; n < 65536; n++) {
    const ip = `10.96.${Math.floor(n / 256)}.${n % 256}`;
    if (n % 256 === 0 || n % 256 === 255) continue;
    if (!taken.has(ip)) return ip;
  }
  throw new Error('service cluster IP range is full');
}
