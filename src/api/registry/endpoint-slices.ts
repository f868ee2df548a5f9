// EndpointSlices (discovery.k8s.io/v1) as a read-only view of the Endpoints the endpoints controller
// writes. kubectl >= 1.2x reads slices, not Endpoints, for `describe svc` (it printed "Endpoints: <none>"
// while the Endpoints object listed the pods). In Kubernetes two controllers write slices: the
// EndpointSlice controller from a Service's selector, and the EndpointSliceMirroring controller from the
// Endpoints of a Service without one. Here both come from the stored Endpoints, computed on every read,
// so there is one source of truth and nothing to keep in step (docs/decisions/101).
import { createHash } from 'node:crypto';
import type * as discovery from 'kubernetes-types/discovery/v1.js';
import type { EndpointAddress, Endpoints, Mutable, Service } from '../../kube/types.js';
import type { Stored } from '../../store/store.js';
import { seededName } from '../../kube/names.js';

export type EndpointSlice = Mutable<discovery.EndpointSlice>;
type Endpoint = Mutable<discovery.Endpoint>;
type EndpointPort = Mutable<discovery.EndpointPort>;

export const ENDPOINT_SLICE_GROUP = 'discovery.k8s.io';
export const ENDPOINT_SLICE_API_VERSION = 'discovery.k8s.io/v1';
/** the resource as discovery lists it (here, not beside its handler: discovery answers before the handlers load) */
export const ENDPOINT_SLICES_RESOURCE = {
  name: 'endpointslices', singularName: 'endpointslice', namespaced: true, kind: 'EndpointSlice', verbs: ['get', 'list', 'watch'],
} as const;
/** the label kubectl describe svc selects slices by */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** managed-by of the slices of a Service with a selector (pkg/controller/endpointslice) */
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
/** managed-by of slices mirrored from the Endpoints of a Service without selector (endpointslicemirroring) */
export const MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The slices of one Endpoints object: one per subset (a subset is one set of ports, as a slice is), IPv4
 * addresses only (mini-kube's network is IPv4). None without the Service (both controllers work per
 * Service); a Service with a selector and no addresses has the controller's placeholder slice (no
 * endpoints, no ports), a mirrored one has none.
 */
export function endpointSlicesOf(ep: Stored<Endpoints>, service: Service | undefined): Stored<EndpointSlice>[] {
  if (!service) return [];
  const selector = Object.keys(service.spec?.selector ?? {}).length > 0;
  const subsets = (ep.subsets ?? []).filter((s) => (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0) > 0);
  if (subsets.length === 0) return selector ? [slice(ep, service, selector, 0, [], undefined)] : [];
  return subsets.map((s, i) => slice(ep, service, selector, i, [
    ...(s.addresses ?? []).filter(isIPv4).map((a) => endpoint(a, true)),
    ...(s.notReadyAddresses ?? []).filter(isIPv4).map((a) => endpoint(a, false)),
  ], (s.ports ?? []).map((p): EndpointPort => ({
    // always a name ("" when the port has none): kubectl's describe dereferences it
    name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }))));
}

function slice(ep: Stored<Endpoints>, service: Service, selector: boolean, index: number, endpoints: Endpoint[], ports: EndpointPort[] | undefined): Stored<EndpointSlice> {
  const name = ep.metadata.name;
  const seed = `${ep.metadata.uid}/${index}`;
  const svcUid = service.metadata?.uid;
  return {
    apiVersion: ENDPOINT_SLICE_API_VERSION,
    kind: 'EndpointSlice',
    metadata: {
      name: seededName(`${name}-`, seed),
      generateName: `${name}-`,
      namespace: ep.metadata.namespace,
      uid: derivedUid(seed),
      // a slice changes exactly when its Endpoints does: watch and list clients can compare versions
      resourceVersion: ep.metadata.resourceVersion,
      creationTimestamp: ep.metadata.creationTimestamp,
      labels: {
        ...(ep.metadata.labels ?? {}),
        [LABEL_SERVICE_NAME]: name,
        [LABEL_MANAGED_BY]: selector ? SLICE_CONTROLLER : MIRRORING_CONTROLLER,
      },
      ...(selector && svcUid ? {
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svcUid, controller: true, blockOwnerDeletion: true }],
      } : {}),
    },
    addressType: 'IPv4',
    endpoints,
    ...(ports ? { ports } : {}),
  };
}

function endpoint(a: EndpointAddress, ready: boolean): Endpoint {
  return {
    addresses: [a.ip],
    // Terminating pods are not in Endpoints (the controller drops them): never terminating here.
    conditions: { ready, serving: ready, terminating: false },
    ...(a.hostname ? { hostname: a.hostname } : {}),
    ...(a.nodeName ? { nodeName: a.nodeName } : {}),
    ...(a.targetRef ? { targetRef: a.targetRef } : {}),
  };
}

function isIPv4(a: EndpointAddress): boolean {
  const m = IPV4.exec(a.ip ?? '');
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

/** A UUID-shaped id that is the same on every read, so clients can tell slices apart by uid. */
function derivedUid(seed: string): string {
  const h = createHash('sha256').update(`endpointslice:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
