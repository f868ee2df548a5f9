// What representation the client asked for. kubectl get sends
//   Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json
// and expects a meta.k8s.io Table; everything else (client-node, -o json) gets plain JSON.
import type { IncomingMessage } from 'node:http';

export type Representation = { as: 'json' } | { as: 'table'; apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1' };

export function negotiate(req: IncomingMessage): Representation {
  const accept = req.headers.accept ?? '';
  for (const range of accept.split(',')) {
    const [type, ...paramParts] = range.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of paramParts) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim();
    }
    const mt = (type ?? '').toLowerCase();
    if (mt !== 'application/json' && mt !== '*/*' && mt !== 'application/*') continue;
    if (!params['as']) return { as: 'json' };
    if (params['as'] === 'Table' && params['g'] === 'meta.k8s.io' && (params['v'] === 'v1' || params['v'] === 'v1beta1')) {
      return { as: 'table', apiVersion: `meta.k8s.io/${params['v']}` };
    }
    // Other "as=" forms (PartialObjectMetadataList, APIGroupDiscoveryList) are not served: try the next range.
  }
  return { as: 'json' };
}
