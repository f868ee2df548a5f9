// OpenAPI v2 definitions from protobuf messages, as the apiserver's openapi-gen writes them from the Go
// types: one definition per message, named like the Go package ("io.k8s.api.core.v1.Pod"); a field's
// description is its doc comment without the marker lines; fields without +optional are required;
// the markers become the extensions kubectl reads (strategic merge keys for apply and diff, list-map keys
// for server-side apply, atomic maps). A few apimachinery types serialize as strings or free-form
// objects in JSON (their MarshalJSON): those get the schema the apiserver gives them.
import protobuf from 'protobufjs';
import { EMBEDDED_FIELDS } from '../protobuf/embedded-fields.js';

import { V2_REF, type Schema } from './paths.js';

export type { Schema };

/** "k8s.io.api.core.v1.Pod" (or with a leading dot) -> "io.k8s.api.core.v1.Pod" */
export function definitionName(protoFullName: string): string {
  return protoFullName.replace(/^\./, '').replace(/^k8s\.io\./, 'io.k8s.');
}


const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** Types whose JSON is not their proto message (openapi-gen's OpenAPIDefinition overrides). */
const JSON_FORMS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
  [`${META}Time`]: { type: 'string', format: 'date-time' },
  [`${META}MicroTime`]: { type: 'string', format: 'date-time' },
  [`${META}Duration`]: { type: 'string' },
  [`${META}FieldsV1`]: { type: 'object' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
};

/** The Go doc comment as openapi-gen renders it, and its +markers. */
export function parseComment(comment: string | null | undefined): { description: string; tags: Map<string, string[]> } {
  const tags = new Map<string, string[]>();
  const kept: string[] = [];
  for (const line of (comment ?? '').split('\n')) {
    const m = /^\s*\+([\w.:/-]+)(?:=(.*))?$/.exec(line);
    if (m) {
      tags.set(m[1]!, [...tags.get(m[1]!) ?? [], (m[2] ?? '').trim()]);
      continue;
    }
    if (/^\s*(TODO|---)/.test(line)) continue;
    kept.push(line.trimEnd());
  }
  // Lines of one paragraph are joined with spaces; blank lines separate paragraphs; enum bullets
  // (" - `Always` ...") stay on lines of their own, as in the apiserver's descriptions.
  let out = '';
  for (const line of kept) {
    if (line.trim() === '') out += out.endsWith('\n\n') || out === '' ? '' : '\n\n';
    else if (/^\s*[-*] /.test(line) || out === '' || out.endsWith('\n')) out += (out === '' || out.endsWith('\n') ? '' : '\n') + line.trim();
    else out += ` ${line.trim()}`;
  }
  return { description: out.trim(), tags };
}

function scalar(type: string): Schema | undefined {
  switch (type) {
    case 'string': return { type: 'string' };
    case 'bool': return { type: 'boolean' };
    case 'int32': case 'sint32': case 'uint32': case 'fixed32': case 'sfixed32': return { type: 'integer', format: 'int32' };
    case 'int64': case 'sint64': case 'uint64': case 'fixed64': case 'sfixed64': return { type: 'integer', format: 'int64' };
    case 'double': return { type: 'number', format: 'double' };
    case 'float': return { type: 'number', format: 'float' };
    case 'bytes': return { type: 'string', format: 'byte' };
    default: return undefined;
  }
}

/** Proto field names that are not the JSON name (the protobuf tag's name= differs from the json tag). */
const JSON_NAMES: Record<string, string> = { 'BoundObjectReference.uID': 'uid' };

/**
 * A field's schema, and whether it is required. openapi-gen requires a field that has neither +optional
 * nor `omitempty`; the .proto keeps the first but not the second, and lists and maps are almost always
 * omitempty, as are most pointers to structs (VolumeSource's dozen, Deployment.spec, none marked), so: a
 * field is required when it says +required, or is a string, number or boolean without +optional
 * (Container.name, ContainerPort.containerPort, EnvVar.name). Lists, maps and objects only with +required:
 * the schema may require less than the apiserver's (PodSpec.containers, DeploymentSpec.selector), never more.
 */
function fieldSchema(field: protobuf.Field, pending: protobuf.Type[]): { schema: Schema; isRequired: boolean } {
  const doc = parseComment(field.comment);
  const valueSchema = (): Schema => {
    const s = scalar(field.type);
    if (s) return s;
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      pending.push(resolved);
      return { $ref: V2_REF + definitionName(resolved.fullName) };
    }
    return { type: 'string' };
  };
  let schema: Schema;
  if (field.map) {
    const value = valueSchema();
    schema = { type: 'object', additionalProperties: value['type'] === 'string' && !value['format'] ? { type: 'string', default: '' } : value };
  } else if (field.repeated) {
    schema = { type: 'array', items: valueSchema() };
  } else {
    schema = valueSchema();
  }
  const one = (k: string) => doc.tags.get(k)?.[0];
  const p: Schema = { ...(doc.description ? { description: doc.description } : {}), ...schema };
  if (one('listType')) p['x-kubernetes-list-type'] = one('listType');
  if (doc.tags.get('listMapKey')) p['x-kubernetes-list-map-keys'] = doc.tags.get('listMapKey');
  if (one('mapType') ?? one('structType')) p['x-kubernetes-map-type'] = one('mapType') ?? one('structType');
  if (one('patchMergeKey')) p['x-kubernetes-patch-merge-key'] = one('patchMergeKey');
  if (one('patchStrategy')) p['x-kubernetes-patch-strategy'] = one('patchStrategy');
  const isRequired = doc.tags.has('required') || (!doc.tags.has('optional') && !field.map && !field.repeated && scalar(field.type) !== undefined);
  return { schema: p, isRequired };
}

/** Definitions for `roots` and every message they reach, added to `out`. */
export function addDefinitions(roots: Iterable<protobuf.Type>, out: Record<string, Schema>): void {
  const pending = [...roots];
  while (pending.length) {
    const t = pending.pop()!;
    const name = definitionName(t.fullName);
    if (out[name]) continue;
    const { description, tags } = parseComment(t.comment);
    if (JSON_FORMS[name]) {
      out[name] = { description, ...JSON_FORMS[name] };
      continue;
    }
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    const addFields = (type: protobuf.Type): void => {
      for (const field of type.fieldsArray) {
        field.resolve();
        if (EMBEDDED_FIELDS.has(`${type.name}.${field.name}`) && field.resolvedType instanceof protobuf.Type) {
          addFields(field.resolvedType);
          continue;
        }
        const jsonName = JSON_NAMES[`${type.name}.${field.name}`] ?? field.name;
        const { schema, isRequired } = fieldSchema(field, pending);
        properties[jsonName] = schema;
        if (isRequired) required.push(jsonName);
      }
    };
    addFields(t);
    const def: Schema = { ...(description ? { description } : {}), type: 'object', properties: sortKeys(properties) };
    if (required.length) def['required'] = required;
    const structType = tags.get('structType')?.[0];
    if (structType) def['x-kubernetes-map-type'] = structType;
    out[name] = def;
  }
}

/** apiVersion and kind, which the proto messages leave to the envelope, as every object's schema has them. */
export function typeMetaProperties(): Record<string, Schema> {
  return {
    apiVersion: { description: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources', type: 'string' },
    kind: { description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds', type: 'string' },
  };
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
