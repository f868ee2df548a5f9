// Which addresses may be a Service endpoint: Kubernetes' ValidateNonSpecialIP (core/validation), which
// endpoint and EndpointSlice validation apply, plus what mini-kube's proxy must never dial because it runs
// on the host itself: any multicast or broadcast address and the host's own addresses (the dashboard, the
// API server and whatever else listens there). Pure: the host's addresses are passed in.
import { isIP } from 'node:net';

const NO_ADDRESSES: ReadonlySet<string> = new Set();

/**
 * Why `ip` must not be an endpoint, in Kubernetes' words ("may not be in the loopback range ..."), or
 * undefined when it may be one. Only a literal IP passes: a name ("localhost") or a sloppy form that the
 * resolver would still take ("127.1", "2130706433") is "not a valid IP address". `hostAddresses` is read
 * once per set (a set is not changed after it is handed out; host-addresses.ts makes a new one on refresh).
 */
export function endpointAddressProblem(ip: string, hostAddresses: ReadonlySet<string> = NO_ADDRESSES): string | undefined {
  const bytes = parseIp(ip);
  if (!bytes) return `${JSON.stringify(ip)} must be a valid IP address`;
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is dialled as the IPv4 address it carries.
  const v4 = bytes.length === 4 ? bytes : isV4Mapped(bytes) ? bytes.slice(12) : undefined;
  if (v4) {
    if (v4.every((b) => b === 0)) return `${ip} may not be unspecified (0.0.0.0)`;
    if (v4[0] === 127) return `${ip} may not be in the loopback range (127.0.0.0/8, ::1/128)`;
    if (v4[0] === 169 && v4[1] === 254) return `${ip} may not be in the link-local range (169.254.0.0/16, fe80::/10)`;
    if (v4[0] === 224 && v4[1] === 0 && v4[2] === 0) return `${ip} may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)`;
    if (v4[0]! >= 224 && v4[0]! <= 239) return `${ip} may not be a multicast address (224.0.0.0/4, ff00::/8)`;
    if (v4.every((b) => b === 255)) return `${ip} may not be the broadcast address (255.255.255.255)`;
  } else {
    if (bytes.every((b) => b === 0)) return `${ip} may not be unspecified (::)`;
    if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return `${ip} may not be in the loopback range (127.0.0.0/8, ::1/128)`;
    if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) return `${ip} may not be in the link-local range (169.254.0.0/16, fe80::/10)`;
    if (bytes[0] === 0xff && (bytes[1]! & 0x0f) === 0x02) return `${ip} may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)`;
    if (bytes[0] === 0xff) return `${ip} may not be a multicast address (224.0.0.0/4, ff00::/8)`;
  }
  if (canonicalSet(hostAddresses).has(canonicalIp(v4 ?? bytes))) {
    return `${ip} may not be an address of this host (mini-kube's proxy and kubelet run here)`;
  }
  return undefined;
}

/**
 * The host's addresses in canonical form, per set given: host-addresses.ts hands the same set out for a
 * second, and the proxy and the DNS snapshot check every pod's IP against it on every change (parsing each
 * of the host's IPv6 addresses per check led a profile of a 30-pod start).
 */
const canonicalSets = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();
function canonicalSet(addresses: ReadonlySet<string>): ReadonlySet<string> {
  let out = canonicalSets.get(addresses);
  if (!out) {
    const set = new Set<string>();
    for (const own of addresses) {
      const b = parseIp(own);
      if (b) set.add(canonicalIp(b.length === 16 && isV4Mapped(b) ? b.slice(12) : b));
    }
    out = set;
    canonicalSets.set(addresses, out);
  }
  return out;
}

/** The address as bytes (4 or 16), or undefined when it is not a literal IPv4 or IPv6 address. */
export function parseIp(ip: string): number[] | undefined {
  const kind = isIP(ip);
  if (kind === 4) return ip.split('.').map(Number);
  if (kind !== 6) return undefined;
  // A zone ("fe80::1%eth0") names an interface of this host: the address part decides.
  let rest = ip.split('%')[0]!.toLowerCase();
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(rest);
  if (dotted) {
    tail = dotted[1]!.split('.').map(Number);
    rest = rest.slice(0, -dotted[1]!.length);
    if (rest.endsWith(':') && !rest.endsWith('::')) rest = rest.slice(0, -1);
  }
  const groupsWanted = 8 - tail.length / 2;
  const [head, after] = rest.includes('::') ? rest.split('::') as [string, string] : [rest, undefined];
  const left = head ? head.split(':') : [];
  const right = after === undefined ? [] : after ? after.split(':') : [];
  const zeros = after === undefined ? 0 : groupsWanted - left.length - right.length;
  const groups = [...left, ...Array<string>(zeros).fill('0'), ...right].map((g) => parseInt(g, 16));
  if (groups.length !== groupsWanted || groups.some((g) => Number.isNaN(g))) return undefined;
  return [...groups.flatMap((g) => [g >> 8, g & 0xff]), ...tail];
}

function isV4Mapped(bytes: number[]): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function canonicalIp(bytes: number[]): string {
  return bytes.join(bytes.length === 4 ? '.' : ':');
}
