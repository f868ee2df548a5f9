// The implemented-fields list (src/manifests/pod-fields.ts) against the API schema, and its admission.
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { admit, parseManifests } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import { POD_FIELDS, objectTypeOf } from '../../../src/manifests/pod-fields.js';
import { fieldsOf } from '../../../src/manifests/schema/index.js';
import type { KubeObject } from '../../../src/store/store.js';

describe('the implemented-fields list', () => {
  it('has an entry for every field of every type reachable from PodSpec through fields it accepts', () => {
    const missing: string[] = [];
    const seen = new Set<string>();
    const walk = (type: string) => {
      if (seen.has(type)) return;
      seen.add(type);
      const fields = fieldsOf(type);
      const table = POD_FIELDS[type];
      if (!fields) throw new Error(`no schema for ${type}`);
      if (!table) { missing.push(`${type} (the whole type)`); return; }
      for (const [name, t] of fields) {
        const entry = table[name];
        if (!entry) { missing.push(`${type}.${name}`); continue; }
        const child = objectTypeOf(t);
        if (child && entry.status === 'implemented') walk(child);
      }
      for (const name of Object.keys(table)) if (!fields.has(name)) missing.push(`${type}.${name} (not in the schema)`);
    };
    walk('PodSpec');
    expect(missing).toEqual([]);
    // every table is reached: no stale type left behind
    expect(Object.keys(POD_FIELDS).filter((t) => !seen.has(t))).toEqual([]);
  });

  it('names test files that exist', () => {
    const named = Object.values(POD_FIELDS).flatMap((t) => Object.values(t))
      .flatMap((e) => (e.status === 'implemented' ? e.by.match(/test\/[\w/.-]+\.test\.ts/g) ?? [] : []));
    expect(named.length).toBeGreaterThan(20);
    expect([...new Set(named)].filter((f) => !existsSync(new URL(`../../../${f}`, import.meta.url)))).toEqual([]);
  });
});

const pod = (spec: Record<string, unknown>, container: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'nginx:1.25', ...container }], ...spec },
});

function causes(obj: KubeObject, opts = {}): string[] {
  try {
    admit(obj, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    const err = e as StatusError;
    expect(err.code).toBe(422);
    return (err.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  }
  return [];
}

describe('admission of what mini-kube does not implement', () => {
  it('accepts an object without an error', () => {
    expect(causes(pod({}))).toEqual([]);
  });

  it('refuses a field it does not implement with a 422 naming the field', () => {
    expect(causes(pod({ activeDeadlineSeconds: 5 }))).toEqual([
      'spec.activeDeadlineSeconds: Forbidden: mini-kube does not implement spec.activeDeadlineSeconds',
    ]);
    expect(causes(pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'k', labelSelector: {}, matchLabelKeys: ['a'] }] } } }))).toEqual([
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys: Forbidden: mini-kube does not implement spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys',
    ]);
  });

  it('refuses inside containers and in every pod template', () => {
    const deploy: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }] }] } },
      },
    };
    expect(causes(deploy)).toEqual(['spec.template.spec.containers[0].resizePolicy: Forbidden: mini-kube does not implement spec.template.spec.containers[0].resizePolicy']);
  });

  it('refuses a value other than the ones it implements', () => {
    expect(causes(pod({ schedulerName: 'my-scheduler' }))[0]).toBe(
      'spec.schedulerName: Forbidden: mini-kube does not implement spec.schedulerName ("my-scheduler"; it accepts only "default-scheduler": mini-kube runs one scheduler, default-scheduler (src/scheduler); a pod for another would stay Pending forever)');
    expect(causes(pod({}, { securityContext: { seccompProfile: { type: 'Unconfined' } } }))[0]).toContain('containers[0].securityContext.seccompProfile.type: Forbidden: mini-kube does not implement');
  });

  it('refuses resources other than cpu and memory', () => {
    expect(causes(pod({}, { resources: { limits: { 'ephemeral-storage': '1Gi', memory: '64Mi' } } }))).toEqual([
      'spec.containers[0].resources.limits[ephemeral-storage]: Forbidden: mini-kube does not implement spec.containers[0].resources.limits[ephemeral-storage] (it applies only cpu and memory)',
    ]);
  });

  it('accepts what it implements, and the defaults it writes itself (get -o yaml round-trips)', () => {
    const first = admit(pod({ tolerations: [{ key: 'k', operator: 'Exists' }], securityContext: { runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } }, {
      resources: { limits: { cpu: '500m', memory: '64Mi' } },
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      livenessProbe: { httpGet: { path: '/', port: 80 } },
      env: [{ name: 'A', value: 'b' }, { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    }));
    expect(first.warnings).toEqual([]);
    const again = admit(structuredClone(first.object));
    expect(again.warnings).toEqual([]);
  });

  it('warns where ignoring is harmless, as the apiserver sends warnings', () => {
    expect(admit(pod({ nodeSelector: { disk: 'ssd' } })).warnings).toEqual([]);
    const r = admit(pod({}, { lifecycle: { preStop: { tcpSocket: { port: 80 } } } }));
    expect(r.warnings).toEqual(['spec.containers[0].lifecycle.preStop.tcpSocket: deprecated: TCPSocket is not supported as a LifecycleHandler; the hook fails when it runs, as on Kubernetes']);
  });

  it('accepts lifecycle hooks, and the deprecated tcpSocket handler with a warning', () => {
    const r = admit(pod({}, { lifecycle: { postStart: { sleep: { seconds: 1 } }, preStop: { tcpSocket: { port: 80 } } }, terminationMessagePolicy: 'FallbackToLogsOnError' }));
    expect(r.warnings).toEqual([
      'spec.containers[0].lifecycle.preStop.tcpSocket: deprecated: TCPSocket is not supported as a LifecycleHandler; the hook fails when it runs, as on Kubernetes',
    ]);
  });

  it('reports what is invalid first, then what is not implemented', () => {
    expect(causes(pod({ activeDeadlineSeconds: 5, restartPolicy: 'Sometimes' }))).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  it('refuses in files with file:line', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  activeDeadlineSeconds: 5\n  containers: [{name: c, image: nginx:1.25}]\n';
    expect(() => parseManifests(text, 'p.yaml')).toThrow('p.yaml:5:3: Pod "p" is refused: spec.activeDeadlineSeconds: Forbidden: mini-kube does not implement spec.activeDeadlineSeconds');
  });

  it('admits every tutorial, example and library fixture manifest', () => {
    for (const dir of ['manifests', 'test/fixtures/tutorial', 'examples', 'test/integration/library-fixtures']) {
      for (const f of readdirSync(new URL(`../../../${dir}`, import.meta.url))) {
        if (!/\.ya?ml$/.test(f) || f.includes('as-printed')) continue;
        const text = readFileSync(new URL(`../../../${dir}/${f}`, import.meta.url), 'utf8');
        expect(parseManifests(text, f).objects.length, f).toBeGreaterThan(0);
      }
    }
  });
});

/** docs/pod.md's field list, rendered from the table: the page cannot drift from what admission does. */
function renderFieldList(): string {
  const lines: string[] = [];
  const text = (e: (typeof POD_FIELDS)[string][string]): string => {
    switch (e.status) {
      case 'implemented': return `implemented — ${e.by}`;
      case 'only': return `only ${e.values.map((v) => `\`${JSON.stringify(v)}\``).join(', ')} — ${e.why}; any other value is refused`;
      case 'warned': return `accepted with a warning — ${e.why}`;
      case 'refused': return `refused${e.note ? ` (${e.note})` : ''}`;
    }
  };
  for (const [type, fields] of Object.entries(POD_FIELDS)) {
    lines.push(`### ${type}`, '', '| field | status |', '|---|---|');
    for (const [name, e] of Object.entries(fields)) lines.push(`| \`${name}\` | ${text(e).replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

describe('docs/pod.md', () => {
  it('lists every field as the table says (UPDATE_DOCS=1 rewrites the list)', () => {
    const url = new URL('../../../docs/pod.md', import.meta.url);
    const page = readFileSync(url, 'utf8');
    const [head, rest] = page.split('<!-- field list: generated from src/manifests/pod-fields.ts -->\n');
    const tail = rest!.split('<!-- end of field list -->')[1]!;
    const want = `${head}<!-- field list: generated from src/manifests/pod-fields.ts -->\n${renderFieldList()}<!-- end of field list -->${tail}`;
    if (process.env['UPDATE_DOCS']) writeFileSync(url, want);
    expect(page).toBe(want);
  });
});
