// Generates k8s-descriptor.generated.ts: the messages of the Kubernetes protobuf content type that
// mini-kube reads and writes (the served kinds, their lists, Scale, Status, DeleteOptions, WatchEvent,
// runtime.Unknown and everything reachable from them), parsed from the upstream generated.proto files in
// proto/ into protobufjs' JSON form. A checked-in descriptor, not the .proto files at run time: dist/
// needs no extra files, and protobufjs' light build (no parser) is enough to load it.
//
// Regenerate after updating proto/:   node src/api/protobuf/generate-descriptor.mjs
// Check that the checked-in file is current:   node src/api/protobuf/generate-descriptor.mjs --check
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const protobuf = createRequire(import.meta.url)('protobufjs');

const FILES = [
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io/apimachinery/pkg/runtime/schema/generated.proto',
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io/apimachinery/pkg/api/resource/generated.proto',
  'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
  'k8s.io/api/batch/v1/generated.proto',
  'k8s.io/api/autoscaling/v1/generated.proto',
  'k8s.io/api/autoscaling/v2/generated.proto',
  'k8s.io/api/discovery/v1/generated.proto',
  'k8s.io/api/authentication/v1/generated.proto',
  'k8s.io/api/authorization/v1/generated.proto',
  'k8s.io/api/policy/v1/generated.proto',
  'k8s.io/api/storage/v1/generated.proto',
];

// The served kinds, and those the kubectl 1.32 commands of issue #16 send in protobuf for the APIs being
// added beside this one (service accounts and their tokens, nodes and drain's evictions, auth can-i/whoami);
// ResourceQuota (kubectl create quota) is the one kind kubectl sends with Quantities, kept to test them.
const CORE = ['Pod', 'Service', 'Endpoints', 'Namespace', 'ConfigMap', 'Secret', 'Event', 'ServiceAccount', 'Node', 'ResourceQuota', 'PersistentVolumeClaim', 'PersistentVolume'].flatMap((k) => [k, `${k}List`]);
const ROOTS = [
  'k8s.io.apimachinery.pkg.runtime.Unknown',
  ...['Status', 'DeleteOptions', 'WatchEvent', 'List'].map((k) => `k8s.io.apimachinery.pkg.apis.meta.v1.${k}`),
  ...CORE.map((k) => `k8s.io.api.core.v1.${k}`),
  ...['Deployment', 'ReplicaSet', 'DaemonSet', 'ControllerRevision', 'StatefulSet'].flatMap((k) => [k, `${k}List`]).map((k) => `k8s.io.api.apps.v1.${k}`),
  ...['Job', 'CronJob'].flatMap((k) => [k, `${k}List`]).map((k) => `k8s.io.api.batch.v1.${k}`),
  'k8s.io.api.storage.v1.StorageClass', 'k8s.io.api.storage.v1.StorageClassList',
  'k8s.io.api.autoscaling.v1.Scale',
  // HorizontalPodAutoscaler: v2 is served, v1 is what kubectl autoscale (1.20 and 1.32) sends
  ...['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList'].flatMap((k) => [`k8s.io.api.autoscaling.v1.${k}`, `k8s.io.api.autoscaling.v2.${k}`]),
  'k8s.io.api.discovery.v1.EndpointSlice', 'k8s.io.api.discovery.v1.EndpointSliceList',
  'k8s.io.api.authentication.v1.TokenRequest', 'k8s.io.api.authentication.v1.SelfSubjectReview',
  'k8s.io.api.authorization.v1.SelfSubjectAccessReview', 'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  'k8s.io.api.policy.v1.Eviction',
  // issue #18: PodDisruptionBudgets (kubectl create pdb, apply); Lease has no proto in the reference set
  'k8s.io.api.policy.v1.PodDisruptionBudget', 'k8s.io.api.policy.v1.PodDisruptionBudgetList',
];

const root = new protobuf.Root();
for (const f of FILES) protobuf.parse(readFileSync(join(here, 'proto', f), 'utf8'), root, { keepCase: true, alternateCommentMode: false });
root.resolveAll();

const keep = new Set();
const visit = (type) => {
  if (keep.has(type.fullName)) return;
  keep.add(type.fullName);
  for (const f of type.fieldsArray) if (f.resolvedType instanceof protobuf.Type) visit(f.resolvedType);
};
for (const name of ROOTS) visit(root.lookupType(name));

// protobufjs JSON: nested namespaces down to the messages kept, fields as {type, id, rule?, keyType?}.
const out = {};
for (const fullName of [...keep].sort()) {
  const type = root.lookupType(fullName);
  const parts = fullName.slice(1).split('.');
  let ns = out;
  for (const p of parts.slice(0, -1)) {
    ns.nested ??= {};
    ns = ns.nested[p] ??= {};
  }
  const fields = {};
  for (const f of type.fieldsArray) {
    const field = { type: f.type, id: f.id };
    if (f.map) field.keyType = f.keyType;
    if (f.repeated) field.rule = 'repeated';
    // proto2 does not pack repeated numbers; Go's decoders take both, but write what Go writes.
    if (f.repeated && !f.map && f.resolvedType === null && !['string', 'bytes'].includes(f.type)) field.options = { packed: false };
    fields[f.name] = field;
  }
  ns.nested ??= {};
  // proto2: explicit presence, so a pointer field set to 0 or false is told apart from an absent one.
  ns.nested[parts.at(-1)] = { edition: 'proto2', fields };
}

const header = `// GENERATED by src/api/protobuf/generate-descriptor.mjs from the Kubernetes generated.proto files in
// src/api/protobuf/proto (see proto/NOTICE); do not edit by hand.
// Message and field names and numbers: Copyright The Kubernetes Authors, licensed under the Apache
// License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0; a copy is in proto/LICENSE).
// ${keep.size} messages reachable from: ${ROOTS.map((r) => r.split('.').slice(-2).join('.')).join(', ')}.
`;
const target = join(here, 'k8s-descriptor.generated.ts');
const text = `${header}export const K8S_DESCRIPTOR: unknown = ${JSON.stringify(out)};\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error('k8s-descriptor.generated.ts is not what proto/ generates: run node src/api/protobuf/generate-descriptor.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
console.log(`${keep.size} messages`);
