// This host's own addresses (every interface, Docker's bridges included): never an endpoint, never dialled
// by the proxy (docs/decisions/071). Read from the kernel at most once a second: interfaces come and go
// (a cluster's Docker network adds a bridge) but a connection must not pay a syscall.
import * as os from 'node:os';
import { endpointAddressProblem } from './endpoint-address.js';

const REFRESH_MS = 1000;
let cached: { at: number; addresses: Set<string> } | undefined;

export function hostAddresses(now = Date.now()): ReadonlySet<string> {
  if (!cached || now - cached.at > REFRESH_MS) {
    const addresses = new Set<string>();
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) addresses.add(a.address);
    }
    cached = { at: now, addresses };
  }
  return cached.addresses;
}

/** Why the proxy must not send traffic to `ip` (Kubernetes' endpoint rules plus this host), or undefined. */
export function upstreamAddressProblem(ip: string): string | undefined {
  return endpointAddressProblem(ip, hostAddresses());
}
