// The paths of the OpenAPI documents, from the resource lists discovery serves (the same verbs, kinds and
// subresources): what the apiserver's endpoint installer documents for each REST verb. kubectl reads
// them to decide what the server supports — a PATCH operation whose x-kubernetes-group-version-kind is
// the object's and whose query parameters include `dryRun` (kubectl 1.20 `apply --dry-run=server`,
// `diff`) or `fieldValidation` (kubectl >= 1.25 then leaves validation to the server) — so each operation
// carries the query parameters mini-kube honours for that verb, inline.
// Imported by the handler at start-up (groupVersionPath) and so kept free of protobufjs.

export type Schema = Record<string, unknown>;

/** Where a v2 $ref points. */
export const V2_REF = '#/definitions/';

/** One APIResourceList entry, as discovery serves it. */
export interface ServedResource {
  /** "pods" or "pods/status" */
  name: string;
  singularName?: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** a subresource's own group/version when it differs (scale: autoscaling/v1) */
  group?: string;
  version?: string;
}

export interface ServedGroupVersion {
  group: string;
  version: string;
  resources: ServedResource[];
  /** a legacy group/version whose objects are this one's (extensions/v1beta1 -> apps/v1): its schemas */
  schemaOf?: { group: string; version: string };
}

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** subresources documented: those whose body is an object schema (the streaming ones are not) */
const DOCUMENTED_SUBRESOURCES = new Set(['status', 'scale']);

function query(name: string, description: string, type = 'string'): Schema {
  return { uniqueItems: true, type, description, name, in: 'query' };
}

const P = {
  pretty: query('pretty', "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
  dryRun: query('dryRun', 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.'),
  fieldValidation: query('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.'),
  force: query('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.', 'boolean'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately.', 'integer'),
  propagationPolicy: query('propagationPolicy', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
  labelSelector: query('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  fieldSelector: query('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  limit: query('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  continue: query('continue', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: query('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  timeoutSeconds: query('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  watch: query('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
};

function pathParam(name: string, description: string): Schema {
  return { uniqueItems: true, type: 'string', description, name, in: 'path', required: true };
}

function body(ref: string): Schema {
  return { name: 'body', in: 'body', required: true, schema: { $ref: V2_REF + ref } };
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

function camel(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "" -> "core_v1", "apps" -> "apps_v1", "discovery.k8s.io" -> "discovery_v1" (the apiserver's tags) */
function tag(group: string, version: string): string {
  return `${group === '' ? 'core' : group.split('.')[0]}_${version}`;
}

/** The paths of one group/version, in OpenAPI v2 form; `definitionOf(group, version, kind)` names a kind's schema. */
export function buildPaths(gv: ServedGroupVersion, definitionOf: (group: string, version: string, kind: string) => string | undefined): Record<string, Schema> {
  const paths: Record<string, Schema> = {};
  const prefix = `/${groupVersionPath(gv.group, gv.version)}`;
  const idBase = `${camel(tag(gv.group, gv.version).split('_')[0]!)}${camel(gv.version)}`;
  const tags = [tag(gv.group, gv.version)];
  for (const r of gv.resources) {
    const [resource, sub] = r.name.split('/') as [string, string | undefined];
    if (sub !== undefined && !DOCUMENTED_SUBRESOURCES.has(sub)) continue;
    const group = r.group ?? gv.group;
    const version = r.version ?? gv.version;
    const schemaGroup = r.group ?? gv.schemaOf?.group ?? gv.group;
    const schemaVersion = r.version ?? gv.schemaOf?.version ?? gv.version;
    const def = definitionOf(schemaGroup, schemaVersion, r.kind);
    if (!def) continue;
    const listDef = sub === undefined ? definitionOf(schemaGroup, schemaVersion, `${r.kind}List`) : undefined;
    const gvk = { group, kind: r.kind, version };
    const scope = r.namespaced ? 'Namespaced' : '';
    const kindName = `${r.kind}${sub ? camel(sub) : ''}`;
    const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${resource}` : `${prefix}/${resource}`;
    const item = `${collection}/{name}${sub ? `/${sub}` : ''}`;
    const op = (action: string, id: string, description: string, params: Schema[], ok: string, extra: Schema = {}): Schema => ({
      description, consumes: ['*/*'], produces: PRODUCES, schemes: ['https'], tags, operationId: id, parameters: params,
      responses: { 200: { description: 'OK', schema: { $ref: V2_REF + ok } }, 401: { description: 'Unauthorized' } },
      'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, ...extra,
    });
    const nsParam = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
    const itemOps: Schema = { parameters: [pathParam('name', `name of the ${kindName}`), ...nsParam, P.pretty] };
    if (r.verbs.includes('get')) itemOps['get'] = op('get', `read${idBase}${scope}${kindName}`, `read the specified ${kindName}`, [], def);
    if (r.verbs.includes('update')) itemOps['put'] = op('put', `replace${idBase}${scope}${kindName}`, `replace the specified ${kindName}`, [body(def), P.dryRun, P.fieldManager, P.fieldValidation], def);
    if (r.verbs.includes('patch')) {
      itemOps['patch'] = op('patch', `patch${idBase}${scope}${kindName}`, `partially update the specified ${kindName}`,
        [body(`${META}Patch`), P.dryRun, P.fieldManager, P.fieldValidation, P.force], def, { consumes: PATCH_TYPES });
    }
    if (r.verbs.includes('delete')) {
      itemOps['delete'] = op('delete', `delete${idBase}${scope}${kindName}`, `delete a ${kindName}`,
        [{ name: 'body', in: 'body', schema: { $ref: `${V2_REF}${META}DeleteOptions` } }, P.dryRun, P.gracePeriodSeconds, P.propagationPolicy], `${META}Status`);
    }
    if (Object.keys(itemOps).length > 1) paths[item] = itemOps;
    if (sub !== undefined) continue;

    const collectionOps: Schema = { parameters: [...nsParam, P.pretty] };
    const listParams = [P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.timeoutSeconds, P.watch];
    if (r.verbs.includes('list') && listDef) collectionOps['get'] = op('list', `list${idBase}${scope}${r.kind}`, `list or watch objects of kind ${r.kind}`, listParams, listDef);
    if (r.verbs.includes('create')) collectionOps['post'] = op('post', `create${idBase}${scope}${r.kind}`, `create a ${r.kind}`, [body(def), P.dryRun, P.fieldManager, P.fieldValidation], def);
    if (r.verbs.includes('deletecollection')) {
      collectionOps['delete'] = op('deletecollection', `deleteCollection${idBase}${scope}${r.kind}`, `delete collection of ${r.kind}`,
        [{ name: 'body', in: 'body', schema: { $ref: `${V2_REF}${META}DeleteOptions` } }, ...listParams.filter((p) => p['name'] !== 'watch'), P.dryRun, P.gracePeriodSeconds, P.propagationPolicy], `${META}Status`);
    }
    if (Object.keys(collectionOps).length > 1) paths[collection] = collectionOps;
    if (r.namespaced && r.verbs.includes('list') && listDef) {
      paths[`${prefix}/${resource}`] = { parameters: [P.pretty], get: op('list', `list${idBase}${r.kind}ForAllNamespaces`, `list or watch objects of kind ${r.kind}`, listParams, listDef) };
    }
  }
  return paths;
}
