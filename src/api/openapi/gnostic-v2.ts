// /openapi/v2 in the form kubectl asks for first (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
// and kubectl 1.20 decodes the body as that whatever the Content-Type says): gnostic's `openapi.v2.Document`
// message, which is the Swagger JSON as typed messages. Only the messages the apiserver's document uses
// are declared here; field numbers are gnostic's OpenAPIv2.proto. Values gnostic keeps as free-form
// (vendor extensions such as x-kubernetes-group-version-kind) travel as YAML text, and JSON is YAML.
import protobuf from 'protobufjs';
import type { Schema } from './schemas.js';

const GNOSTIC_V2 = `
syntax = "proto3";
package openapi.v2;
message Any { string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message Info { string title = 1; string version = 2; string description = 3; }
message Document {
  string swagger = 1; Info info = 2; repeated string schemes = 5; repeated string consumes = 6; repeated string produces = 7;
  Paths paths = 8; Definitions definitions = 9; repeated SecurityRequirement security = 12;
  SecurityDefinitions security_definitions = 13; repeated NamedAny vendor_extension = 16;
}
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message PathItem {
  string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation options = 6;
  Operation head = 7; Operation patch = 8; repeated ParametersItem parameters = 9; repeated NamedAny vendor_extension = 10;
}
message Operation {
  repeated string tags = 1; string summary = 2; string description = 3; string operation_id = 5; repeated string produces = 6;
  repeated string consumes = 7; repeated ParametersItem parameters = 8; Responses responses = 9; repeated string schemes = 10;
  bool deprecated = 11; repeated NamedAny vendor_extension = 13;
}
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message JsonReference { string _ref = 1; string description = 2; }
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5; repeated NamedAny vendor_extension = 6; }
message NonBodyParameter { oneof oneof { QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; } }
message QueryParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 6; string format = 7; bool unique_items = 20; }
message PathParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; string format = 6; bool unique_items = 19; }
message Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Response { string description = 1; SchemaItem schema = 2; }
message SchemaItem { oneof oneof { Schema schema = 1; } }
message Definitions { repeated NamedSchema additional_properties = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Schema {
  string _ref = 1; string format = 2; string title = 3; string description = 4; Any default = 5; bool unique_items = 16;
  repeated string required = 19; repeated Any enum = 20; AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22;
  ItemsItem items = 23; repeated Schema all_of = 24; Properties properties = 25; bool read_only = 27; repeated NamedAny vendor_extension = 31;
}
message SecurityDefinitions { repeated NamedSecurityDefinitionsItem additional_properties = 1; }
message NamedSecurityDefinitionsItem { string name = 1; SecurityDefinitionsItem value = 2; }
message SecurityDefinitionsItem { oneof oneof { ApiKeySecurity api_key_security = 2; } }
message ApiKeySecurity { string type = 1; string name = 2; string in = 3; string description = 4; }
message SecurityRequirement { repeated NamedStringArray additional_properties = 1; }
message NamedStringArray { string name = 1; StringArray value = 2; }
message StringArray { repeated string value = 1; }
`;

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

let documentType: protobuf.Type | undefined;

type Json = Record<string, unknown>;

function extensions(o: Json): Json[] {
  return Object.entries(o).filter(([k]) => k.startsWith('x-')).map(([name, value]) => ({ name, value: { yaml: `${JSON.stringify(value)}\n` } }));
}

function schema(s: Schema): Json {
  const out: Json = {
    _ref: s['$ref'], format: s['format'], description: s['description'],
    required: s['required'], vendor_extension: extensions(s),
  };
  if (s['type'] !== undefined) out['type'] = { value: [s['type']] };
  if (s['default'] !== undefined) out['default'] = { yaml: `${JSON.stringify(s['default'])}\n` };
  if (s['items']) out['items'] = { schema: [schema(s['items'] as Schema)] };
  if (s['additionalProperties']) out['additional_properties'] = { schema: schema(s['additionalProperties'] as Schema) };
  if (s['allOf']) out['all_of'] = (s['allOf'] as Schema[]).map(schema);
  if (s['properties']) out['properties'] = { additional_properties: named(s['properties'] as Record<string, Schema>, schema) };
  return out;
}

function named<T>(o: Record<string, T>, f: (v: T) => Json): Json[] {
  return Object.entries(o).map(([name, value]) => ({ name, value: f(value) }));
}

function parameter(p: Schema): Json {
  if (p['in'] === 'body') {
    return { parameter: { body_parameter: { name: p['name'], in: 'body', required: p['required'] === true, schema: schema(p['schema'] as Schema) } } };
  }
  const common = { required: p['required'] === true, in: p['in'], description: p['description'], name: p['name'], type: p['type'], unique_items: p['uniqueItems'] === true };
  return { parameter: { non_body_parameter: p['in'] === 'path' ? { path_parameter_sub_schema: common } : { query_parameter_sub_schema: common } } };
}

function operation(op: Json): Json {
  return {
    tags: op['tags'], description: op['description'], operation_id: op['operationId'], produces: op['produces'], consumes: op['consumes'],
    schemes: op['schemes'], parameters: (op['parameters'] as Schema[]).map(parameter), vendor_extension: extensions(op),
    responses: {
      response_code: named(op['responses'] as Record<string, Schema>, (r) => ({
        response: { description: r['description'], ...(r['schema'] ? { schema: { schema: schema(r['schema'] as Schema) } } : {}) },
      })),
    },
  };
}

/** The Swagger 2.0 JSON document as gnostic's protobuf message. */
export function encodeGnosticV2(doc: Json): Buffer {
  documentType ??= protobuf.parse(GNOSTIC_V2, { keepCase: true }).root.lookupType('openapi.v2.Document');
  const paths = doc['paths'] as Record<string, Json>;
  const security = doc['securityDefinitions'] as Record<string, Json>;
  const message = {
    swagger: doc['swagger'],
    info: doc['info'],
    paths: {
      path: named(paths, (item) => ({
        parameters: ((item['parameters'] as Schema[] | undefined) ?? []).map(parameter),
        ...Object.fromEntries(['get', 'put', 'post', 'delete', 'patch'].filter((m) => item[m]).map((m) => [m, operation(item[m] as Json)])),
      })),
    },
    definitions: { additional_properties: named(doc['definitions'] as Record<string, Schema>, schema) },
    security_definitions: { additional_properties: named(security, (s) => ({ api_key_security: { type: s['type'], name: s['name'], in: s['in'], description: s['description'] } })) },
    security: (doc['security'] as Record<string, string[]>[]).map((req) => ({ additional_properties: named(req, (v) => ({ value: v })) })),
  };
  return Buffer.from(documentType.encode(documentType.fromObject(message)).finish());
}
