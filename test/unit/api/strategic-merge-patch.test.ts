import { describe, expect, it } from 'vitest';
import { strategicMergePatch, kubernetesPatchMeta } from '../../../src/api/patch/strategic-merge-patch.js';
import { StatusError } from '../../../src/kube/errors.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function deployment() {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'hello', namespace: 'default', annotations: { [LAST_APPLIED]: '{"old":true}\n' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'hello' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'hello' } },
        spec: {
          containers: [
            {
              name: 'web', image: 'nginx:1.25', args: ['--a', '--b'],
              env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
              ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
            { name: 'sidecar', image: 'busybox' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
    status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] },
  };
}

function service() {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'hello', namespace: 'default' },
    spec: { type: 'ClusterIP', selector: { app: 'hello' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
  };
}

describe('strategic merge patch: the bodies kubectl apply sends (kubectl-compat §4.1)', () => {
  it('changes the image, removes env and changes replicas of a Deployment', () => {
    const patch = {
      metadata: { annotations: { [LAST_APPLIED]: '{"new":true}\n' } },
      spec: {
        replicas: 3,
        template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ env: null, image: 'nginx:1.26', name: 'web' }] } },
      },
    };
    const out = strategicMergePatch(deployment(), patch);
    expect(out.metadata.annotations[LAST_APPLIED]).toBe('{"new":true}\n');
    expect(out.spec.replicas).toBe(3);
    const web = out.spec.template.spec.containers[0]!;
    expect(web.name).toBe('web');
    expect(web.image).toBe('nginx:1.26');
    expect(web).not.toHaveProperty('env');
    // Fields the patch did not mention stay, including the container the patch never named.
    expect(web.ports).toEqual(deployment().spec.template.spec.containers[0]!.ports);
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'sidecar']);
    expect(out.status).toEqual(deployment().status);
  });

  it('changes a Service port from 80 to 8080 (ports merge on "port"; $patch: delete removes one)', () => {
    const patch = {
      metadata: { annotations: { [LAST_APPLIED]: '{}\n' } },
      spec: { '$setElementOrder/ports': [{ port: 8080 }], ports: [{ port: 8080, targetPort: 80 }, { $patch: 'delete', port: 80 }] },
    };
    const out = strategicMergePatch(service(), patch);
    expect(out.spec.ports).toEqual([{ port: 8080, targetPort: 80 }]);
    expect(out.spec.selector).toEqual({ app: 'hello' });
    expect(out.spec.type).toBe('ClusterIP');
  });

  it('does not modify its arguments', () => {
    const original = deployment();
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'C', value: '3' }] }] } } } };
    const before = JSON.stringify([original, patch]);
    strategicMergePatch(original, patch);
    expect(JSON.stringify([original, patch])).toBe(before);
  });
});

describe('strategic merge patch: lists with merge keys', () => {
  it('merges env by name: changes one, adds one, keeps the rest', () => {
    const out = strategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } } },
    });
    expect(out.spec.template.spec.containers[0]!.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
  });

  it('deletes one env var with $patch: delete', () => {
    const out = strategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ $patch: 'delete', name: 'A' }] }] } } },
    });
    expect(out.spec.template.spec.containers[0]!.env).toEqual([{ name: 'B', value: '2' }]);
  });

  it('merges container ports on containerPort and deletes one', () => {
    const out = strategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 8080 }, { $patch: 'delete', containerPort: 443 }] }] } } },
    });
    expect(out.spec.template.spec.containers[0]!.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 8080 }]);
  });

  it('removes a whole container by name and adds a new one', () => {
    const out = strategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ $patch: 'delete', name: 'sidecar' }, { name: 'logger', image: 'fluentd' }] } } },
    });
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'logger']);
  });

  it('merges volumes by name and volumeMounts by mountPath', () => {
    const out = strategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            volumes: [{ name: 'cache', emptyDir: { medium: 'Memory' } }],
            containers: [{ name: 'web', volumeMounts: [{ name: 'cache', mountPath: '/cache' }, { name: 'data2', mountPath: '/data' }] }],
          },
        },
      },
    });
    expect(out.spec.template.spec.volumes.map((v) => v.name)).toEqual(['data', 'cache']);
    expect(out.spec.template.spec.containers[0]!.volumeMounts).toEqual([{ name: 'data2', mountPath: '/data' }, { name: 'cache', mountPath: '/cache' }]);
  });

  it('merges status conditions by type', () => {
    const out = strategicMergePatch(deployment(), { status: { conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] } });
    expect(out.status.conditions).toEqual([
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
      { type: 'Progressing', status: 'True' },
    ]);
  });

  it('fails with 400 when an element lacks the merge key', () => {
    const err = captured(() => strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }));
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(400);
    expect((err as StatusError).message).toContain('does not contain declared merge key: name');
  });
});

describe('strategic merge patch: lists without merge keys and primitive lists', () => {
  it('replaces args wholesale', () => {
    const out = strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'web', args: ['--c'] }] } } } });
    expect(out.spec.template.spec.containers[0]!.args).toEqual(['--c']);
  });

  it('merges finalizers as a set and removes with $deleteFromPrimitiveList', () => {
    expect(strategicMergePatch(deployment(), { metadata: { finalizers: ['b', 'c'] } }).metadata.finalizers).toEqual(['a', 'b', 'c']);
    expect(strategicMergePatch(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers).toEqual(['b']);
  });

  it('knows where lists merge and on which key', () => {
    expect(kubernetesPatchMeta(['spec', 'ports'])).toEqual({ type: 'merge', key: 'port' });
    expect(kubernetesPatchMeta(['spec', 'template', 'spec', 'containers', 'ports'])).toEqual({ type: 'merge', key: 'containerPort' });
    expect(kubernetesPatchMeta(['spec', 'containers', 'env'])).toEqual({ type: 'merge', key: 'name' });
    expect(kubernetesPatchMeta(['subsets', 'ports'])).toEqual({ type: 'replace' });
    expect(kubernetesPatchMeta(['spec', 'tolerations'])).toEqual({ type: 'replace' });
    expect(kubernetesPatchMeta(['metadata', 'ownerReferences'])).toEqual({ type: 'merge', key: 'uid' });
  });
});

describe('strategic merge patch: directives', () => {
  it('$retainKeys drops rollingUpdate when the strategy becomes Recreate', () => {
    const out = strategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('$retainKeys alone (without the null kubectl also sends) still drops unlisted keys', () => {
    const out = strategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('$patch: replace on a map replaces instead of merging', () => {
    const out = strategicMergePatch(deployment(), { spec: { selector: { $patch: 'replace', matchLabels: { app: 'other' } } } });
    expect(out.spec.selector).toEqual({ matchLabels: { app: 'other' } });
    const merged = strategicMergePatch(deployment(), { spec: { template: { metadata: { labels: { tier: 'web' } } } } });
    expect(merged.spec.template.metadata.labels).toEqual({ app: 'hello', tier: 'web' });
    const replaced = strategicMergePatch(deployment(), { spec: { template: { metadata: { labels: { $patch: 'replace', tier: 'web' } } } } });
    expect(replaced.spec.template.metadata.labels).toEqual({ tier: 'web' });
  });

  it('$patch: replace inside a merge list replaces the whole list', () => {
    const out = strategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'web', env: [{ $patch: 'replace' }, { name: 'Z', value: '26' }] }] } } },
    });
    expect(out.spec.template.spec.containers[0]!.env).toEqual([{ name: 'Z', value: '26' }]);
  });

  it('$patch: delete on a map empties it', () => {
    const out = strategicMergePatch(deployment(), { spec: { strategy: { $patch: 'delete' } } });
    expect(out.spec.strategy).toEqual({});
  });

  it('$setElementOrder orders the merged list; elements only the server has come after', () => {
    const out = strategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'new' }, { name: 'web' }],
            containers: [{ name: 'new', image: 'alpine' }],
          },
        },
      },
    });
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['new', 'web', 'sidecar']);
  });

  it('rejects an unknown $patch directive with 400', () => {
    const err = captured(() => strategicMergePatch(deployment(), { spec: { $patch: 'explode' } }));
    expect((err as StatusError).code).toBe(400);
  });

  it('null deletes nested keys; directives never reach the result of a new subtree', () => {
    const out = strategicMergePatch(deployment(), {
      spec: { selector: null, template: { spec: { newList: [{ a: 1 }], securityContext: { runAsUser: 1000, fsGroup: null, $patch: undefined } } } },
    }) as unknown as Record<string, { selector?: unknown; template: { spec: Record<string, unknown> } }>;
    expect(out['spec']).not.toHaveProperty('selector');
    expect(out['spec']!.template.spec['securityContext']).toEqual({ runAsUser: 1000 });
    const fresh = strategicMergePatch({}, { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { $patch: 'delete', name: 'Y' }] }] } });
    expect(fresh).toEqual({ spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } });
  });

  it('ignores __proto__ keys instead of swapping prototypes', () => {
    const patch = JSON.parse('{"metadata":{"__proto__":{"polluted":true},"labels":{"a":"b"}}}') as Record<string, unknown>;
    const out = strategicMergePatch(deployment(), patch);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((out.metadata as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(out.metadata).toHaveProperty('labels', { a: 'b' });
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
