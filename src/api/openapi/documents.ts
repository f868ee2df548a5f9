// The OpenAPI documents the apiserver serves, built once from the served resource lists (discovery) and
// the vendored generated.proto files, then kept with their hashes:
//   /openapi/v2                   one Swagger 2.0 document for every group/version (JSON or gnostic protobuf)
//   /openapi/v3                   the index {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}
//   /openapi/v3/apis/apps/v1      one OpenAPI 3.0 document per group/version, only the schemas it reaches
// Built on the first request for one of them (never on the `get pods` path) and kept until the process ends:
// the served kinds are fixed at start-up.
import { createHash } from 'node:crypto';
import { addDefinitions, definitionName, sortKeys, typeMetaProperties } from './schemas.js';
import { buildPaths, groupVersionPath, V2_REF, type Schema, type ServedGroupVersion } from './paths.js';
import { loadProtoSource, protoPackage } from './proto-source.js';

export interface OpenApiDocuments {
  v2: { doc: Record<string, unknown>; json: Buffer; hash: string };
  /** "api/v1" -> its v3 document */
  v3: Map<string, { json: Buffer; hash: string }>;
  v3Index: Buffer;
  v3IndexHash: string;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const SECURITY_V2 = {
  securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
  security: [{ BearerToken: [] }],
};

/** The apiserver's hash of a document: SHA-512, upper-case hex. */
function hashOf(buf: Buffer): string {
  return createHash('sha512').update(buf).digest('hex').toUpperCase();
}

export function buildOpenApi(served: readonly ServedGroupVersion[], gitVersion: string): OpenApiDocuments {
  const gvs = new Map<string, { group: string; version: string }>();
  const want = (group: string, version: string) => gvs.set(`${group}/${version}`, { group, version });
  for (const gv of served) {
    want(gv.schemaOf?.group ?? gv.group, gv.schemaOf?.version ?? gv.version);
    for (const r of gv.resources) if (r.group !== undefined && r.version !== undefined) want(r.group, r.version);
  }
  const source = loadProtoSource(gvs.values());

  // The kinds (and their lists), with the group/version/kinds each definition stands for.
  const gvkOf = new Map<string, { group: string; version: string; kind: string }[]>();
  const roots = [];
  /** group/version/kind -> its definition: the message's, or the stand-in of a kind whose .proto is not vendored */
  const defNames = new Map<string, string>();
  const standIns = new Map<string, string>();
  for (const gv of served) {
    for (const r of gv.resources) {
      const group = r.group ?? gv.group;
      const version = r.version ?? gv.version;
      for (const kind of [r.kind, `${r.kind}List`]) {
        const msg = r.group === undefined && gv.schemaOf ? source.message(gv.schemaOf.group, gv.schemaOf.version, kind) : source.message(group, version, kind);
        if (!msg && r.name.includes('/')) continue;
        const name = msg ? definitionName(msg.fullName) : definitionName(`${protoPackage(group, version)}.${kind}`);
        if (!msg) standIns.set(name, kind);
        defNames.set(`${group}/${version}/${kind}`, name);
        const list = gvkOf.get(name) ?? [];
        if (!list.some((g) => g.group === group && g.version === version && g.kind === kind)) list.push({ group, version, kind });
        gvkOf.set(name, list);
        if (msg) roots.push(msg);
      }
    }
  }
  for (const meta of ['ObjectMeta', 'ListMeta']) roots.push(source.root.lookupType(`k8s.io.apimachinery.pkg.apis.meta.v1.${meta}`));
  for (const meta of ['DeleteOptions', 'Status']) {
    const msg = source.root.lookupType(`k8s.io.apimachinery.pkg.apis.meta.v1.${meta}`);
    roots.push(msg);
    gvkOf.set(definitionName(msg.fullName), served.map((gv) => ({ group: gv.group, version: gv.version, kind: meta })));
  }
  const definitions: Record<string, Schema> = {};
  addDefinitions(roots, definitions);
  for (const [name, kind] of standIns) definitions[name] = standIn(kind);
  definitions[`${META}Patch`] = { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' };
  for (const [name, gvks] of gvkOf) {
    const def = definitions[name]!;
    def['properties'] = sortKeys({ ...typeMetaProperties(), ...def['properties'] as Record<string, Schema> });
    def['x-kubernetes-group-version-kind'] = gvks;
    // a list's items are required (no omitempty), which the .proto cannot say
    if (gvks.some((g) => g.kind.endsWith('List')) && (def['properties'] as Schema)['items']) def['required'] = ['items'];
  }

  const definitionOf = (group: string, version: string, kind: string) => defNames.get(`${group}/${version}/${kind}`);
  const pathsByGv = new Map<string, Record<string, Schema>>();
  for (const gv of served) pathsByGv.set(groupVersionPath(gv.group, gv.version), buildPaths(gv, definitionOf));

  const info = { title: 'Kubernetes', version: gitVersion };
  const v2Doc = {
    swagger: '2.0', info,
    paths: sortKeys(Object.assign({}, ...pathsByGv.values()) as Record<string, Schema>),
    definitions: sortKeys(definitions),
    ...SECURITY_V2,
  };
  const v2Json = Buffer.from(JSON.stringify(v2Doc));

  const v3 = new Map<string, { json: Buffer; hash: string }>();
  for (const [gvPath, paths] of pathsByGv) {
    const schemas: Record<string, Schema> = {};
    for (const name of reachable(paths, definitions)) schemas[name] = V3_FORMS[name] ? { description: definitions[name]!['description'], ...V3_FORMS[name] } : toV3(definitions[name]!) as Schema;
    const doc = {
      openapi: '3.0.0', info,
      paths: toV3Paths(paths),
      components: {
        schemas: sortKeys(schemas),
        securitySchemes: { BearerToken: SECURITY_V2.securityDefinitions.BearerToken },
      },
    };
    const json = Buffer.from(JSON.stringify(doc));
    v3.set(gvPath, { json, hash: hashOf(json) });
  }
  const index = { paths: Object.fromEntries([...v3].map(([p, d]) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` }])) };
  const v3Index = Buffer.from(JSON.stringify(index));
  return { v2: { doc: v2Doc, json: v2Json, hash: hashOf(v2Json) }, v3, v3Index, v3IndexHash: hashOf(v3Index) };
}

/**
 * A kind served without its group's generated.proto vendored: documented (kubectl finds its operations and
 * explains its metadata) with a free-form spec and status rather than left out.
 */
function standIn(kind: string): Schema {
  const free = { type: 'object', description: `mini-kube has no schema for ${kind.replace(/List$/, '')} (its generated.proto is not vendored in src/api/protobuf/proto)` };
  return kind.endsWith('List')
    ? { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, metadata: { $ref: `${V2_REF}${META}ListMeta` } } }
    : { type: 'object', description: free.description, properties: { metadata: { $ref: `${V2_REF}${META}ObjectMeta` }, spec: free, status: free } };
}

/** The definitions a set of paths reaches through $refs. */
function reachable(root: unknown, definitions: Record<string, Schema>): Set<string> {
  const seen = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      if (k === '$ref' && typeof child === 'string' && child.startsWith(V2_REF)) {
        const name = child.slice(V2_REF.length);
        if (!seen.has(name) && definitions[name]) {
          seen.add(name);
          walk(definitions[name]);
        }
      } else {
        walk(child);
      }
    }
  };
  walk(root);
  return seen;
}

const V3_REF = '#/components/schemas/';

/** The two types v3 gives as either of two JSON types (kube-openapi's OpenAPIV3OneOfTypes); explain then names them. */
const V3_FORMS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

/** A v2 schema in v3 form: refs into components, and a described ref wrapped in allOf as the apiserver does. */
function toV3(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toV3);
  if (!v || typeof v !== 'object') return v;
  const o = v as Schema;
  if (typeof o['$ref'] === 'string') {
    const ref = { $ref: (o['$ref'] as string).replace(V2_REF, V3_REF) };
    const rest = Object.fromEntries(Object.entries(o).filter(([k]) => k !== '$ref'));
    return Object.keys(rest).length ? { ...rest, allOf: [ref] } : ref;
  }
  return Object.fromEntries(Object.entries(o).map(([k, child]) => [k, toV3(child)]));
}

/** v2 operations in v3 form: parameters with a schema, a requestBody, responses with content. */
function toV3Paths(paths: Record<string, Schema>): Record<string, Schema> {
  const param = (p: Schema): Schema => {
    const { type, uniqueItems, ...rest } = p;
    return { ...rest, schema: { type, uniqueItems } };
  };
  const out: Record<string, Schema> = {};
  for (const [path, item] of Object.entries(paths)) {
    const v3item: Schema = {};
    for (const [method, value] of Object.entries(item)) {
      if (method === 'parameters') {
        v3item['parameters'] = (value as Schema[]).map(param);
        continue;
      }
      const { consumes, produces, schemes: _schemes, parameters, responses, ...rest } = value as Schema;
      const params = parameters as Schema[];
      const bodyParam = params.find((p) => p['in'] === 'body');
      const op: Schema = { ...rest, parameters: params.filter((p) => p['in'] !== 'body').map(param) };
      if (bodyParam) {
        const media = (consumes as string[])[0] === '*/*' ? ['*/*'] : consumes as string[];
        op['requestBody'] = { content: Object.fromEntries(media.map((m) => [m, { schema: toV3(bodyParam['schema']) }])), ...(bodyParam['required'] ? { required: true } : {}) };
      }
      op['responses'] = Object.fromEntries(Object.entries(responses as Record<string, Schema>).map(([code, r]) => [code, {
        description: r['description'],
        ...(r['schema'] ? { content: Object.fromEntries((produces as string[]).map((m) => [m, { schema: toV3(r['schema']) }])) } : {}),
      }]));
      v3item[method] = op;
    }
    out[path] = v3item;
  }
  return out;
}
