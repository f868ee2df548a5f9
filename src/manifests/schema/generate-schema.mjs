// Generates k8s-schema.generated.ts: every field name and field type of the objects mini-kube accepts
// (every served kind and everything reachable from them), read from the kubernetes-types .d.ts
// files, which are themselves generated from Kubernetes' OpenAPI spec. The table lets the manifest
// pipeline warn about unknown fields and refuse values of the wrong type, as the apiserver's decoder does.
//
// Regenerate after bumping kubernetes-types:   node src/manifests/schema/generate-schema.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('kubernetes-types/package.json'));
const pkgVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;

// group prefix -> .d.ts file; the prefix is only used when two groups define the same type name.
const FILES = { core: 'core/v1.d.ts', apps: 'apps/v1.d.ts', batch: 'batch/v1.d.ts', storage: 'storage/v1.d.ts', meta: 'meta/v1.d.ts', runtime: 'runtime.d.ts', resource: 'api/resource.d.ts' };
// Every kind the API serves (src/store/kinds.ts): each is validated against its type on every write.
const ROOTS = ['core.Pod', 'apps.Deployment', 'core.Service', 'apps.ReplicaSet', 'core.Endpoints', 'core.Event', 'core.Namespace',
  'batch.Job', 'batch.CronJob', 'apps.DaemonSet', 'apps.ControllerRevision',
  'core.PersistentVolumeClaim', 'core.PersistentVolume', 'storage.StorageClass', 'apps.StatefulSet'];

// Type aliases that are strings (or numbers) on the wire.
const SCALAR_ALIASES = { Quantity: 'quantity', Time: 'time', MicroTime: 'time' };
// Opaque payloads: any JSON is accepted below them.
const OPAQUE = new Set(['RawExtension', 'FieldsV1']);

/** @type {Map<string, {group: string, fields: Map<string, string>}>} */
const interfaces = new Map();
const owners = new Map(); // type name -> groups that define it

for (const [group, file] of Object.entries(FILES)) {
  let text = readFileSync(join(pkgDir, file), 'utf8');
  text = text.replace(/\/\*[\s\S]*?\*\//g, '');
  // `{ [name: string]: X; }` spans lines; make it one token.
  text = text.replace(/\{\s*\[name: string\]:\s*([^;]+);\s*\}/g, 'Map<$1>');
  for (const m of text.matchAll(/^export interface (\w+) \{([\s\S]*?)^\}/gm)) {
    const name = m[1];
    const fields = new Map();
    for (const f of m[2].matchAll(/^\s+(?:readonly\s+)?"?([\w$.-]+)"?\??:\s*(.+?);\s*$/gm)) fields.set(f[1], f[2].trim());
    interfaces.set(`${group}.${name}`, { group, fields });
    owners.set(name, [...(owners.get(name) ?? []), group]);
  }
}

function resolveRef(name, fromGroup) {
  if (SCALAR_ALIASES[name]) return { token: SCALAR_ALIASES[name] };
  if (OPAQUE.has(name)) return { token: 'any' };
  const groups = owners.get(name);
  if (!groups) throw new Error(`unknown type ${name}`);
  const group = groups.includes(fromGroup) ? fromGroup : groups.length === 1 ? groups[0] : undefined;
  if (!group) throw new Error(`ambiguous type ${name} (${groups.join(', ')}) from ${fromGroup}`);
  return { ref: `${group}.${name}` };
}

/** Converts a TypeScript type expression into the compact token grammar of the table. */
function toToken(expr, fromGroup, queue) {
  expr = expr.trim();
  let m;
  if ((m = expr.match(/^Array<(.+)>$/))) return '[]' + toToken(m[1], fromGroup, queue);
  if ((m = expr.match(/^Map<(.+)>$/))) return '{}' + toToken(m[1], fromGroup, queue);
  if (expr === 'string' || /^"[^"]*"$/.test(expr)) return 'string';
  if (expr === 'number') return 'integer';
  if (expr === 'boolean') return 'boolean';
  if (expr === 'number | string' || expr === 'string | number') return 'intOrString';
  if (/^\w+$/.test(expr)) {
    const r = resolveRef(expr, fromGroup);
    if (r.token) return r.token;
    queue.push(r.ref);
    return '@' + r.ref;
  }
  throw new Error(`unsupported type expression: ${expr}`);
}

const reachable = new Map(); // qualified -> Map(field -> token with @qualified refs)
const queue = [...ROOTS];
while (queue.length) {
  const q = queue.shift();
  if (reachable.has(q)) continue;
  const iface = interfaces.get(q);
  if (!iface) throw new Error(`missing interface ${q}`);
  const out = new Map();
  for (const [field, expr] of iface.fields) out.set(field, toToken(expr, iface.group, queue));
  reachable.set(q, out);
}

// Short names where unambiguous among the reachable types, group-qualified otherwise.
const shortCount = new Map();
for (const q of reachable.keys()) { const s = q.split('.')[1]; shortCount.set(s, (shortCount.get(s) ?? 0) + 1); }
const display = (q) => { const s = q.split('.')[1]; return shortCount.get(s) > 1 ? q.replace('.', '_') : s; };

const lines = [];
for (const q of [...reachable.keys()].sort((a, b) => display(a).localeCompare(display(b)))) {
  const fields = [...reachable.get(q)].sort(([a], [b]) => a.localeCompare(b))
    .map(([f, t]) => `${f}:${t.replace(/@([\w.]+)/g, (_, r) => display(r))}`);
  lines.push(`  ${display(q)}: '${fields.join(' ')}',`);
}

const out = `// GENERATED by src/manifests/schema/generate-schema.mjs from kubernetes-types ${pkgVersion}; do not edit by hand.
// Regenerate: node src/manifests/schema/generate-schema.mjs
//
// One entry per API type reachable from ${ROOTS.map((r) => r.split('.')[1]).join(', ')}: "field:type" pairs separated by spaces.
// Types: string | integer | boolean | intOrString | quantity (string or number) | time | any (opaque JSON)
// | <TypeName> | []<type> (list) | {}<type> (map with string keys).
export const KUBE_TYPES: Readonly<Record<string, string>> = {
${lines.join('\n')}
};

export const KUBE_ROOT_TYPES = { ${ROOTS.map((r) => { const s = r.split('.')[1]; return `${s}: '${s}'`; }).join(', ')} } as const;
`;
writeFileSync(join(here, 'k8s-schema.generated.ts'), out);
console.log(`wrote ${reachable.size} types to k8s-schema.generated.ts`);
