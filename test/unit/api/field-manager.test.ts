// Field ownership as structured-merge-diff keeps it: FieldsV1, Update and Apply, conflicts, removal.
import { describe, expect, it } from 'vitest';
import { apply, applyNew, managerOf, recordUpdate, type ManagedFieldsEntry } from '../../../src/api/fieldmanager/field-manager.js';
import { FieldSet, fromFieldsV1, pathString, toFieldsV1 } from '../../../src/api/fieldmanager/fieldpath.js';
import { rootType } from '../../../src/api/fieldmanager/schema.js';
import { toFieldSet } from '../../../src/api/fieldmanager/typed.js';
import { StatusError } from '../../../src/kube/errors.js';

const now = new Date('2026-01-02T03:04:05.678Z');

function deployment(replicas: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] },
      },
      ...extra,
    },
  };
}

function managed(obj: Record<string, unknown>): ManagedFieldsEntry[] {
  return (obj['metadata'] as { managedFields: ManagedFieldsEntry[] }).managedFields;
}

describe('FieldsV1', () => {
  it('keys list items by the schema list-map keys (ports by containerPort+protocol with protocol defaulted, env by name)', () => {
    const set = toFieldSet({ spec: (deployment(3)['spec']) }, rootType('apps/v1', 'Deployment'));
    const json = toFieldsV1(set) as Record<string, any>;
    const container = json['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}'];
    expect(container['.']).toEqual({});
    expect(container['f:ports']['k:{"containerPort":80,"protocol":"TCP"}']).toEqual({ '.': {}, 'f:containerPort': {} });
    expect(container['f:env']['k:{"name":"A"}']).toEqual({ '.': {}, 'f:name': {}, 'f:value': {} });
    // LabelSelector is atomic: owned as a whole.
    expect(json['f:spec']['f:selector']).toEqual({});
    expect(fromFieldsV1(json).keys().sort()).toEqual(set.keys().sort());
  });

  it('prints paths as conflict messages do', () => {
    expect(pathString(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])).toBe('.spec.template.spec.containers[name="web"].image');
    expect(pathString(['f:metadata', 'f:finalizers', 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
  });
});

describe('managers', () => {
  it('come from fieldManager, else the User-Agent before its first "/"; apply must name one', () => {
    expect(managerOf(new URLSearchParams('fieldManager=kubectl-create'), 'kubectl/v1.32.4 (linux/amd64)', 'CreateOptions')).toBe('kubectl-create');
    expect(managerOf(new URLSearchParams(''), 'kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07', 'PatchOptions')).toBe('kubectl');
    expect(() => managerOf(new URLSearchParams(''), 'kubectl/v1.32.4', 'PatchOptions', true)).toThrow('fieldManager: Required value: is required for apply patch');
  });
});

describe('Update and Apply', () => {
  it('a create owns what it set; a new map is owned itself (".") but the zero-value structs are not', () => {
    const obj = deployment(1);
    recordUpdate({ live: undefined, next: obj, manager: 'kubectl-create', now });
    const [entry] = managed(obj);
    expect(entry).toMatchObject({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1' });
    const f = entry!.fieldsV1 as Record<string, any>;
    expect(f['f:metadata']['f:labels']).toEqual({ '.': {}, 'f:app': {} });
    expect(f['f:spec']['.']).toBeUndefined();
    expect(f['f:spec']['f:template']['.']).toBeUndefined();
  });

  it('apply after a scale conflicts on .spec.replicas; force takes the field; an equal value is shared', () => {
    const live = deployment(3);
    (live['metadata'] as Record<string, unknown>)['managedFields'] = applyNew(deployment(3), 'kubectl', now);
    const scaled = structuredClone(live);
    (scaled['spec'] as Record<string, unknown>)['replicas'] = 5;
    recordUpdate({ live, next: scaled, manager: 'kubectl', subresource: 'scale', now });
    expect(managed(scaled).map((e) => [e.manager, e.operation, e.subresource])).toEqual([['kubectl', 'Apply', undefined], ['kubectl', 'Update', 'scale']]);

    let err: unknown;
    try { apply({ live: scaled, config: deployment(3), manager: 'kubectl', force: false, now }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(409);
    expect((err as StatusError).message).toBe('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    expect((err as StatusError).details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl" with subresource "scale" using apps/v1', field: '.spec.replicas' }]);

    const same = apply({ live: scaled, config: deployment(5), manager: 'kubectl', force: false, now });
    expect((same.object['spec'] as { replicas: number }).replicas).toBe(5);
    expect(same.managedFields.find((e) => e.subresource === 'scale')).toBeDefined();

    const forced = apply({ live: scaled, config: deployment(3), manager: 'kubectl', force: true, now });
    expect((forced.object['spec'] as { replicas: number }).replicas).toBe(3);
    expect(forced.managedFields.map((e) => e.subresource)).toEqual([undefined]);
  });

  it('fields dropped from the configuration go unless another manager owns them', () => {
    const live = deployment(3);
    (live['metadata'] as Record<string, unknown>)['labels'] = { app: 'web', team: 'a' };
    const config = deployment(3);
    (config['metadata'] as Record<string, unknown>)['labels'] = { app: 'web', team: 'a' };
    (live['metadata'] as Record<string, unknown>)['managedFields'] = applyNew(config, 'kubectl', now);
    // another manager changes the env var's value, and so co-owns it
    const shared = structuredClone(live);
    (shared['spec'] as any).template.spec.containers[0].env[0].value = '2';
    recordUpdate({ live, next: shared, manager: 'other', now });
    const next = deployment(3);
    const spec = (next['spec'] as any).template.spec.containers[0];
    delete spec.env;
    const out = apply({ live: shared, config: next, manager: 'kubectl', force: false, now });
    expect((out.object['metadata'] as { labels: Record<string, string> }).labels).toEqual({ app: 'web' });
    const c = (out.object['spec'] as any).template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'A', value: '2' }]);
    expect(c.ports).toEqual([{ containerPort: 80 }]);
  });

  it('a FieldSet difference keeps what is not removed', () => {
    const a = FieldSet.of([['f:a'], ['f:b']]);
    expect(a.difference(FieldSet.of([['f:a']])).paths()).toEqual([['f:b']]);
  });
});
