// What representation the client asked for. kubectl get sends
//   Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json
// and expects a meta.k8s.io Table; kubectl 1.32's create (client-go's typed clients) sends
//   Accept: application/vnd.kubernetes.protobuf,application/json
// and gets protobuf; everything else (client-node, -o json) gets plain JSON.
import type { IncomingMessage } from 'node:http';
import { PROTOBUF } from '../protobuf/lazy.js';

export type Representation = { as: 'json' } | { as: 'table'; apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

/** The Accept header's ranges, most preferred first (by q, then in the order written, as goautoneg). */
function mediaRanges(accept: string): MediaRange[] {
  const ranges = accept.split(',').map((range) => {
    const [type, ...paramParts] = range.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of paramParts) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim();
    }
    const q = params['q'] === undefined ? 1 : Number(params['q']);
    return { type: (type ?? '').toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
  });
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
}

const JSON_TYPES = new Set(['application/json', '*/*', 'application/*']);

function isTable(params: Record<string, string>): boolean {
  return params['as'] === 'Table' && params['g'] === 'meta.k8s.io' && (params['v'] === 'v1' || params['v'] === 'v1beta1');
}

export function negotiate(req: IncomingMessage): Representation {
  for (const { type, params } of mediaRanges(req.headers.accept ?? '')) {
    if (!JSON_TYPES.has(type)) continue;
    if (!params['as']) return { as: 'json' };
    if (isTable(params)) return { as: 'table', apiVersion: `meta.k8s.io/${params['v'] as 'v1' | 'v1beta1'}` };
    // Other "as=" forms (PartialObjectMetadataList, APIGroupDiscoveryList) are not served: try the next range.
  }
  return { as: 'json' };
}

/**
 * Whether the first range the server can serve is protobuf. A Table is JSON or YAML only (the
 * apiserver's AllowsMediaTypeTransform), so a protobuf range with "as=Table" is skipped, as there.
 */
export function prefersProtobuf(req: IncomingMessage): boolean {
  for (const { type, params } of mediaRanges(req.headers.accept ?? '')) {
    if (type === PROTOBUF) {
      if (params['as']) continue;
      return true;
    }
    if (JSON_TYPES.has(type) && (!params['as'] || isTable(params))) return false;
  }
  return false;
}
