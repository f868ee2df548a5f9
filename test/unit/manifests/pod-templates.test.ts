// The security gate checks pod specs where pod-templates.ts says each kind carries them. These tests read
// the kinds' API schemas (generated from Kubernetes' types) to find every PodSpec a served kind can carry,
// so a kind added to store/kinds.ts with a pod template that the table misses fails here.
import { describe, expect, it } from 'vitest';
import { POD_SPEC_PATHS, podSpecsOf } from '../../../src/manifests/pod-templates.js';
import { podSecurityGate } from '../../../src/manifests/pod-gate.js';
import { fieldsOf, type FieldType } from '../../../src/manifests/schema/index.js';
import { RESOURCE_TYPES } from '../../../src/kube/kinds.js';
import { StatusError } from '../../../src/kube/errors.js';
import { Store, type KubeObject } from '../../../src/store/store.js';

/** Every path from a type down to a PodSpec (objects only; a PodSpec inside a list would need a path per element). */
function podSpecPaths(typeName: string, prefix: string[] = [], seen = new Set<string>()): string[][] {
  if (typeName === 'PodSpec') return [prefix];
  if (seen.has(typeName)) return [];
  const fields = fieldsOf(typeName);
  if (!fields) throw new Error(`no schema for ${typeName}`);
  const out: string[][] = [];
  for (const [name, type] of fields) {
    const inner = unwrap(type);
    if (inner.kind !== 'object') continue;
    if (inner.kind === 'object' && type.kind !== 'object' && reaches(inner.name, new Set())) {
      throw new Error(`${[...prefix, name].join('.')}: a PodSpec inside a list or map; pod-templates.ts cannot say where yet`);
    }
    if (type.kind === 'object') out.push(...podSpecPaths(inner.name, [...prefix, name], new Set([...seen, typeName])));
  }
  return out;
}

function unwrap(t: FieldType): FieldType {
  return t.kind === 'list' || t.kind === 'map' ? unwrap(t.of) : t;
}

function reaches(typeName: string, seen: Set<string>): boolean {
  if (typeName === 'PodSpec') return true;
  if (seen.has(typeName)) return false;
  seen.add(typeName);
  return [...(fieldsOf(typeName) ?? new Map()).values()].some((t) => { const u = unwrap(t); return u.kind === 'object' && reaches(u.name, seen); });
}

describe('pod spec locations per kind', () => {
  it.each(RESOURCE_TYPES.map((t) => t.kind))('%s: the table lists every PodSpec its schema can carry', (kind) => {
    expect(fieldsOf(kind), `no schema for ${kind}: add it to ROOTS in generate-schema.mjs`).toBeDefined();
    expect(POD_SPEC_PATHS[kind].map((p) => p.join('.')).sort()).toEqual(podSpecPaths(kind).map((p) => p.join('.')).sort());
  });

  it('finds the template spec of a ReplicaSet with its path', () => {
    const rs = { spec: { template: { spec: { containers: [] } } } };
    expect(podSpecsOf('ReplicaSet', rs).map((a) => a.path.toString())).toEqual(['spec.template.spec']);
    expect(podSpecsOf('ReplicaSet', { spec: {} })).toEqual([]);
  });
});

const privilegedRs = (name: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 80 }] }] } } },
});

describe('the store gate (every writer, API or controller)', () => {
  it('refuses a privileged pod template on create with the fields named', () => {
    const store = new Store();
    store.setWriteGuard(podSecurityGate({ allowPrivileged: false }));
    let err: unknown;
    try { store.create(privilegedRs('rs1')); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(422);
    expect((err as StatusError).message).toMatch(/^ReplicaSet.apps "rs1" is invalid: \[spec.template.spec.hostNetwork: Forbidden: .*spec.template.spec.containers\[0\].ports\[0\].hostPort: Forbidden: .*--allow-privileged/);
    expect(store.get('ReplicaSet', 'default', 'rs1')).toBeUndefined();
  });

  it('refuses a pod spec turned privileged by an update, but lets an unchanged one have its status written', () => {
    const store = new Store();
    const stored = store.create(privilegedRs('old')); // stored before the gate existed
    store.setWriteGuard(podSecurityGate({ allowPrivileged: false }));
    expect(() => store.update({ ...stored, status: { replicas: 1 } })).not.toThrow();
    const plain = store.create({ ...privilegedRs('plain'), spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } });
    expect(() => store.update({ ...plain, spec: privilegedRs('plain')['spec'] })).toThrow(/hostNetwork: Forbidden/);
  });

  it('lets everything through with --allow-privileged', () => {
    const store = new Store();
    store.setWriteGuard(podSecurityGate({ allowPrivileged: true }));
    expect(() => store.create(privilegedRs('rs2'))).not.toThrow();
  });
});
