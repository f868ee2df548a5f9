// The subnet of a network mini-kube creates. The engine only accepts a container's fixed address
// (`--ip`, a pod keeping its IP) on a network whose subnet was given at creation, so mini-kube gives one,
// chosen from the ranges Docker itself would draw from (172.18-31.0.0/16, then 192.168.x.0/20), skipping
// every subnet another network on the engine already has.

export const SUBNET_CANDIDATES: readonly string[] = [
  ...Array.from({ length: 14 }, (_, i) => `172.${18 + i}.0.0/16`),
  ...Array.from({ length: 16 }, (_, i) => `192.168.${i * 16}.0/20`),
];

interface Range { start: number; end: number }

function rangeOf(cidr: string): Range | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined; // IPv6 or malformed: cannot overlap an IPv4 candidate
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = addr - (addr % size);
  return { start, end: start + size - 1 };
}

export function overlaps(a: string, b: string): boolean {
  const x = rangeOf(a);
  const y = rangeOf(b);
  return !!x && !!y && x.start <= y.end && y.start <= x.end;
}

/** The candidates that overlap none of `taken`, in order of preference. */
export function freeSubnets(taken: readonly string[], candidates: readonly string[] = SUBNET_CANDIDATES): string[] {
  return candidates.filter((c) => !taken.some((t) => overlaps(c, t)));
}

// ---- the two halves of the shared subnet (docs/decisions/160) ----
// The network is created with IPRange = the lower half: Docker's IPAM gives pods addresses from there only.
// The upper half is for ClusterIPs, in blocks of BLOCK_SIZE addresses, one block per cluster: the block's
// first usable address is the cluster's network agent's own (a fixed `--ip`, so the engine refuses a
// second cluster claiming the same block), the rest are its Services' ClusterIPs.

export const BLOCK_SIZE = 256;

function ipOf(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function ipToNumber(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1, 5).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! * 256 + o[1]!) * 256 + o[2]!) * 256 + o[3]!;
}

/** "172.18.0.0/16" -> pods "172.18.0.0/17", services "172.18.128.0/17" */
export function splitSubnet(cidr: string): { pods: string; services: string } | undefined {
  const r = rangeOf(cidr);
  const bits = Number(cidr.split('/')[1]);
  if (!r || bits >= 31) return undefined;
  const half = (r.end - r.start + 1) / 2;
  return { pods: `${ipOf(r.start)}/${bits + 1}`, services: `${ipOf(r.start + half)}/${bits + 1}` };
}

export interface ClusterBlock {
  index: number;
  /** the network agent's address */
  agentIP: string;
  /** the first and last address a Service may get */
  first: string;
  last: string;
}

/** How many blocks the services half holds. */
export function blockCount(servicesCidr: string): number {
  const r = rangeOf(servicesCidr);
  return r ? Math.floor((r.end - r.start + 1) / BLOCK_SIZE) : 0;
}

/** Block `index` of the services half; base+0 and base+255 are left out (addresses ending in .0/.255 confuse clients). */
export function clusterBlock(servicesCidr: string, index: number): ClusterBlock | undefined {
  const r = rangeOf(servicesCidr);
  if (!r || index < 0 || index >= blockCount(servicesCidr)) return undefined;
  const base = r.start + index * BLOCK_SIZE;
  return { index, agentIP: ipOf(base + 1), first: ipOf(base + 2), last: ipOf(base + BLOCK_SIZE - 2) };
}

/** The block an address belongs to (the agent's address when the control plane adopts it). */
export function blockIndexOf(servicesCidr: string, ip: string): number | undefined {
  const r = rangeOf(servicesCidr);
  const n = ipToNumber(ip);
  if (!r || n === undefined || n < r.start || n > r.end) return undefined;
  return Math.floor((n - r.start) / BLOCK_SIZE);
}

/** The next free Service address of a block, or undefined when the block is full. */
export function nextBlockAddress(block: ClusterBlock, taken: ReadonlySet<string>): string | undefined {
  const first = ipToNumber(block.first)!;
  const last = ipToNumber(block.last)!;
  for (let n = first; n <= last; n++) if (!taken.has(ipOf(n))) return ipOf(n);
  return undefined;
}

/** The kubernetes Service's address of every block (the API certificate names them all: any block works). */
export function kubernetesServiceIPs(servicesCidr: string): string[] {
  return Array.from({ length: blockCount(servicesCidr) }, (_, i) => clusterBlock(servicesCidr, i)!.first);
}

export function inBlock(block: ClusterBlock, ip: string | undefined): boolean {
  const n = ip === undefined ? undefined : ipToNumber(ip);
  return n !== undefined && n >= ipToNumber(block.agentIP)! && n <= ipToNumber(block.last)!;
}
