// The EndpointSlice columns of printers.go (printEndpointSlice): PORTS and ENDPOINTS list at most three
// values, then "+ N more...", and "<unset>" when there are none.
import type * as discovery from 'kubernetes-types/discovery/v1.js';

const MAX = 3;

/** formatDiscoveryPorts: the port numbers, a port's name when it has no number, "*" without either. */
export function formatDiscoveryPorts(ports: readonly discovery.EndpointPort[] | undefined): string {
  return listWithMore((ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name ?? '*')));
}

/** formatDiscoveryEndpoints: every address of every endpoint, ready or not. */
export function formatDiscoveryEndpoints(endpoints: readonly discovery.Endpoint[] | undefined): string {
  return listWithMore((endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

function listWithMore(values: string[]): string {
  const shown = values.slice(0, MAX).join(',');
  if (values.length > MAX) return `${shown} + ${values.length - MAX} more...`;
  return shown === '' ? '<unset>' : shown;
}
