// The OpenAPI documents built from the served resource lists and the vendored generated.proto files:
// every kind of the kinds table is documented (a kind added there needs no edit in src/api/openapi),
// with what kubectl reads from it.
import { describe, expect, it } from 'vitest';
import { servedGroupVersions } from '../../../src/api/handlers/discovery.js';
import { buildOpenApi } from '../../../src/api/openapi/documents.js';
import { parseComment } from '../../../src/api/openapi/schemas.js';
import { groupVersionPath } from '../../../src/api/openapi/paths.js';
import { RESOURCE_TYPES } from '../../../src/kube/kinds.js';

type Json = Record<string, any>;
const docs = buildOpenApi(servedGroupVersions(), 'v1.32.0-test');
const v2 = JSON.parse(docs.v2.json.toString()) as Json;
const defs = v2['definitions'] as Record<string, Json>;

/** kubectl's check (cli-runtime query_param_verifier): a PATCH operation for the GVK that takes the parameter. */
function patchSupports(paths: Record<string, Json>, gvk: Json, param: string): boolean {
  return Object.values(paths).some((item) => {
    const op = item['patch'];
    const ext = op?.['x-kubernetes-group-version-kind'];
    return ext && ext.group === gvk['group'] && ext.version === gvk['version'] && ext.kind === gvk['kind']
      && (op['parameters'] as Json[]).some((p) => p['in'] === 'query' && p['name'] === param);
  });
}

describe('OpenAPI documents', () => {
  it.each(RESOURCE_TYPES.map((t) => [t.kind, t] as const))('documents %s in v2 and in its group/version v3 document, with PATCH dryRun and fieldValidation', (_kind, t) => {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const v2def = Object.values(defs).find((d) => (d['x-kubernetes-group-version-kind'] ?? []).some((g: Json) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind));
    expect(v2def, `${t.kind}: no definition in /openapi/v2 (is k8s.io/api/<group>/${t.version}/generated.proto vendored in src/api/protobuf/proto?)`).toBeDefined();
    expect(Object.keys(v2def!['properties'])).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
    expect(patchSupports(v2['paths'], gvk, 'dryRun')).toBe(true);
    expect(patchSupports(v2['paths'], gvk, 'fieldValidation')).toBe(true);
    const v3 = JSON.parse(docs.v3.get(groupVersionPath(t.group, t.version))!.json.toString()) as Json;
    expect(Object.values(v3['components']['schemas'] as Record<string, Json>).some((d) => (d['x-kubernetes-group-version-kind'] ?? []).some((g: Json) => g.kind === t.kind))).toBe(true);
    expect(patchSupports(v3['paths'], gvk, 'fieldValidation')).toBe(true);
  });

  it('every $ref resolves, in v2 and in each v3 document (kubectl refuses a document with a dangling one)', () => {
    const refs = (doc: unknown, out: string[] = []): string[] => {
      if (Array.isArray(doc)) doc.forEach((d) => refs(d, out));
      else if (doc && typeof doc === 'object') {
        for (const [k, v] of Object.entries(doc)) {
          if (k === '$ref') out.push(v as string);
          else refs(v, out);
        }
      }
      return out;
    };
    for (const r of refs(v2)) expect(defs[r.replace('#/definitions/', '')], r).toBeDefined();
    for (const [gv, d] of docs.v3) {
      const doc = JSON.parse(d.json.toString()) as Json;
      for (const r of refs(doc)) expect(doc['components']['schemas'][r.replace('#/components/schemas/', '')], `${gv}: ${r}`).toBeDefined();
    }
  });

  it('carries the strategic merge and list-map keys kubectl apply and diff use', () => {
    const ports = defs['io.k8s.api.core.v1.Container']!['properties']['ports'];
    expect(ports).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] });
    expect(defs['io.k8s.api.core.v1.PodSpec']!['properties']['containers']).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
    expect(defs['io.k8s.api.core.v1.PodSpec']!['properties']['nodeSelector']).toMatchObject({ type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' });
  });

  it('inlines embedded structs as JSON does (Probe handlers, VolumeSource, LocalObjectReference)', () => {
    expect(Object.keys(defs['io.k8s.api.core.v1.Probe']!['properties'])).toEqual(expect.arrayContaining(['exec', 'httpGet', 'tcpSocket', 'grpc', 'periodSeconds']));
    expect(defs['io.k8s.api.core.v1.Probe']!['properties']['handler']).toBeUndefined();
    expect(Object.keys(defs['io.k8s.api.core.v1.Volume']!['properties'])).toEqual(expect.arrayContaining(['name', 'configMap', 'emptyDir', 'secret']));
    expect(defs['io.k8s.api.core.v1.ConfigMapKeySelector']!['properties']).toHaveProperty('name');
    expect(defs['io.k8s.api.core.v1.ConfigMapKeySelector']!['required']).toEqual(['key']);
  });

  it('gives the apimachinery types their JSON form, and requires no list, map or object the apiserver leaves optional', () => {
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' });
    expect(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
    expect(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toMatchObject({ type: 'string', format: 'date-time' });
    expect(defs['io.k8s.api.core.v1.Container']!['required']).toEqual(['name']);
    expect(defs['io.k8s.api.core.v1.ContainerPort']!['required']).toEqual(['containerPort']);
    expect(defs['io.k8s.api.core.v1.Volume']!['required']).toEqual(['name']);
    expect(defs['io.k8s.api.core.v1.ServiceSpec']!['required']).toBeUndefined();
    expect(defs['io.k8s.api.core.v1.PodList']!['required']).toEqual(['items']);
  });

  it('v3 refers through allOf, and gives IntOrString and Quantity as oneOf, as the apiserver does', () => {
    const apps = JSON.parse(docs.v3.get('apis/apps/v1')!.json.toString()) as Json;
    const schemas = apps['components']['schemas'] as Record<string, Json>;
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec']!['properties']['template']).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' }] });
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(apps['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']['patch']['requestBody']['content']).toHaveProperty(['application/apply-patch+yaml']);
    expect(Object.keys(schemas).some((n) => n.startsWith('io.k8s.api.authorization'))).toBe(false);
  });

  it('reads Go doc comments as openapi-gen does: markers out, lines joined, paragraphs and bullets kept', () => {
    const { description, tags } = parseComment('Restart policy.\nOne of Always.\n\nPossible enum values:\n - `"Always"` restarts\n - `"Never"` does not\n+optional\n+listMapKey=a\n+listMapKey=b\n+k8s:supportsSubresource="/status"');
    expect(description).toBe('Restart policy. One of Always.\n\nPossible enum values:\n- `"Always"` restarts\n- `"Never"` does not');
    expect(tags.get('listMapKey')).toEqual(['a', 'b']);
    expect(tags.has('optional')).toBe(true);
  });

  it('documents a kind whose group has no vendored generated.proto with a free-form stand-in, operations and all', () => {
    const lease = { name: 'leases', singularName: 'lease', namespaced: true, kind: 'Lease', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] };
    const built = buildOpenApi([...servedGroupVersions(), { group: 'coordination.k8s.io', version: 'v1', resources: [lease] }], 'v1.32.0-test');
    const doc = JSON.parse(built.v3.get('apis/coordination.k8s.io/v1')!.json.toString()) as Json;
    const def = doc['components']['schemas']['io.k8s.api.coordination.v1.Lease'] as Json;
    expect(def['x-kubernetes-group-version-kind']).toEqual([{ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }]);
    expect(Object.keys(def['properties'])).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(def['properties']['spec']['description']).toContain('not vendored');
    expect(patchSupports(doc['paths'], { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }, 'fieldValidation')).toBe(true);
  });

  it('indexes v3 by hash: the serverRelativeURL carries the SHA-512 of the document', () => {
    const index = JSON.parse(docs.v3Index.toString()) as Json;
    for (const [gv, d] of docs.v3) expect(index['paths'][gv]['serverRelativeURL']).toBe(`/openapi/v3/${gv}?hash=${d.hash}`);
  });
});
