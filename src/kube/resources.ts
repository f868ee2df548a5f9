// A container's cpu and memory as Kubernetes turns them into cgroup settings, and the pod's QoS class.
// Sources: pkg/kubelet/cm/helpers_linux.go (MilliCPUToShares, MilliCPUToQuota), kuberuntime's
// generateLinuxContainerResources, pkg/apis/core/v1/helper/qos (GetPodQOS).
import type { Container, Pod } from './types.js';
import { parseQuantity } from './quantity.js';

/** The resources mini-kube applies; any other key in requests or limits is refused at admission. */
export const APPLIED_RESOURCES = ['cpu', 'memory'] as const;

const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD_US = 100_000;
const MIN_QUOTA_US = 1000;

type ResourceList = Record<string, string | number> | undefined;

function milli(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.ceil(Math.round(v * 1e6) / 1e3); // MilliValue rounds up
}

function bytes(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.ceil(Math.round(v * 1e3) / 1e3); // Value rounds up
}

export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu === 0) return MIN_SHARES;
  return Math.max(MIN_SHARES, Math.floor((milliCpu * SHARES_PER_CPU) / 1000));
}

export function milliCpuToQuota(milliCpu: number): number {
  if (milliCpu === 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milliCpu * QUOTA_PERIOD_US) / 1000));
}

export interface CgroupResources {
  /** absent without a cpu request or limit: see cgroupResources */
  cpuShares?: number;
  /** absent without a cpu limit */
  cpuQuota?: number;
  cpuPeriod?: number;
  /** bytes; absent without a memory limit */
  memory?: number;
}

/**
 * As the kubelet computes them: shares from the cpu request (the limit when only it is set), min 2. A
 * container without either keeps the engine's default shares: the kubelet gives it 2, but relative to
 * the other pods inside the node's kubepods cgroup; mini-kube's containers have no such parent and
 * compete with every other container on the machine, where 2 shares would starve them (decision 123).
 */
export function cgroupResources(c: Container): CgroupResources {
  const req = c.resources?.requests as ResourceList;
  const lim = c.resources?.limits as ResourceList;
  const cpuReq = milli(req?.['cpu']) ?? 0;
  const cpuLim = milli(lim?.['cpu']) ?? 0;
  const out: CgroupResources = {};
  if (cpuReq > 0 || cpuLim > 0) out.cpuShares = milliCpuToShares(cpuReq === 0 ? cpuLim : cpuReq);
  if (cpuLim > 0) { out.cpuQuota = milliCpuToQuota(cpuLim); out.cpuPeriod = QUOTA_PERIOD_US; }
  const mem = bytes(lim?.['memory']);
  if (mem !== undefined && mem > 0) out.memory = mem;
  return out;
}

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** GetPodQOS: over every container (init too), cpu and memory only; zero quantities do not count. */
export function podQOSClass(pod: Pod): QOSClass {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests as ResourceList;
    const lim = c.resources?.limits as ResourceList;
    const limited = new Set<string>();
    for (const name of APPLIED_RESOURCES) {
      const r = milli(req?.[name]);
      if (r) requests.set(name, (requests.get(name) ?? 0) + r);
      const l = milli(lim?.[name]);
      if (l) { limited.add(name); limits.set(name, (limits.get(name) ?? 0) + l); }
    }
    if (limited.size !== APPLIED_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, r] of requests) if (limits.get(name) !== r) { guaranteed = false; break; }
  }
  return guaranteed && limits.size === requests.size ? 'Guaranteed' : 'Burstable';
}
