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
