// The implemented-fields list of Job, CronJob and DaemonSet (src/manifests/workload-fields.ts) against the
// API schema, and its admission: every field has an entry, refused fields are refused with their path.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import { objectTypeOf } from '../../../src/manifests/pod-fields.js';
import { WORKLOAD_FIELDS } from '../../../src/manifests/workload-fields.js';
import { fieldsOf } from '../../../src/manifests/schema/index.js';
import type { KubeObject } from '../../../src/store/store.js';

describe('the workload fields list', () => {
  it('has an entry for every field reachable from JobSpec, CronJobSpec and DaemonSetSpec, down to the pod template', () => {
    const missing: string[] = [];
    const seen = new Set<string>();
    const walk = (type: string) => {
      if (seen.has(type) || type === 'PodTemplateSpec' || type === 'ObjectMeta') return;
      seen.add(type);
      const fields = fieldsOf(type);
      const table = WORKLOAD_FIELDS[type];
      if (!fields) throw new Error(`no schema for ${type}`);
      if (!table) { missing.push(`${type} (the whole type)`); return; }
      for (const [name, t] of fields) {
        const entry = table[name];
        if (!entry) { missing.push(`${type}.${name}`); continue; }
        const child = objectTypeOf(t);
        // the selector is validated as a LabelSelector, as everywhere
        if (child && child !== 'LabelSelector' && entry.status === 'implemented') walk(child);
      }
      for (const name of Object.keys(WORKLOAD_FIELDS[type] ?? {})) if (!fields.has(name)) missing.push(`${type}.${name} (not in the schema)`);
    };
    for (const root of ['JobSpec', 'CronJobSpec', 'DaemonSetSpec']) walk(root);
    expect(missing).toEqual([]);
    expect(Object.keys(WORKLOAD_FIELDS).filter((t) => !seen.has(t))).toEqual([]);
  });

  it('names test files that exist', () => {
    const named = Object.values(WORKLOAD_FIELDS).flatMap((t) => Object.values(t))
      .flatMap((e) => (e.status === 'implemented' ? e.by.match(/test\/[\w/.-]+\.test\.ts/g) ?? [] : []));
    expect([...new Set(named)].filter((f) => !existsSync(new URL(`../../../${f}`, import.meta.url)))).toEqual([]);
  });

  const job = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', uid: '0b0d7d35-0000-4000-8000-000000000001' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } }, ...spec },
  });
  const refusal = (obj: KubeObject): string => {
    try { admit(obj, { allowPrivileged: false }); } catch (e) { if (e instanceof StatusError) return e.message; throw e; }
    return '';
  };

  it.each([
    ['successPolicy', { successPolicy: { rules: [{ succeededCount: 1 }] }, completionMode: 'Indexed', completions: 2 }, 'spec.successPolicy: Forbidden: mini-kube does not implement spec.successPolicy'],
    ['maxFailedIndexes', { maxFailedIndexes: 1, backoffLimitPerIndex: 1, completionMode: 'Indexed', completions: 2 }, 'spec.maxFailedIndexes: Forbidden: mini-kube does not implement spec.maxFailedIndexes'],
    ['managedBy', { managedBy: 'example.com/other' }, 'spec.managedBy: Forbidden: mini-kube does not implement spec.managedBy ("example.com/other"; it accepts only "kubernetes.io/job-controller"'],
  ])('refuses %s with its path', (_name, spec, message) => {
    expect(refusal(job(spec))).toContain(message);
  });

  it('a DaemonSet template\'s nodeSelector is admitted without the pods\' "not evaluated" warning', () => {
    const ds: KubeObject = {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', image: 'x:1' }] } } },
    };
    expect(admit(ds, { allowPrivileged: false }).warnings ?? []).toEqual([]);
  });

  it('manualSelector: true keeps the user\'s selector and labels; without it a selector must be the generated one', () => {
    const own = { selector: { matchLabels: { app: 'mine' } }, template: { metadata: { labels: { app: 'mine' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } };
    const manual = admit(job({ ...own, manualSelector: true }), { allowPrivileged: false }).object as { spec: { selector: unknown; template: { metadata: { labels: unknown } } } };
    expect(manual.spec.selector).toEqual({ matchLabels: { app: 'mine' } });
    expect(manual.spec.template.metadata.labels).toEqual({ app: 'mine' });
    expect(refusal(job(own))).toContain('spec.selector: Invalid value');
    expect(refusal(job(own))).toContain('`selector` not auto-generated');
  });

  it('pod templates of every workload kind go through the security gate', () => {
    const privileged = { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }] };
    const cj: KubeObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: privileged } } } } };
    expect(refusal(cj)).toContain('spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged');
    expect(refusal(job({ template: { spec: privileged } }))).toContain('spec.template.spec.containers[0].securityContext.privileged');
    const ds: KubeObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { ...privileged, restartPolicy: 'Always', hostNetwork: true } } } };
    expect(refusal(ds)).toContain('spec.template.spec.hostNetwork');
  });

  it('validates as the apiserver: restartPolicy, Indexed completions, the pod failure policy, a generated selector', () => {
    expect(refusal(job({ template: { spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'x' }] } } })))
      .toContain('spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
    expect(refusal(job({ completionMode: 'Indexed', parallelism: 2 }))).toContain('spec.completions: Required value: when completion mode is Indexed');
    expect(refusal(job({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [0] } }] } })))
      .toContain('spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator');
    const admitted = admit(job({}), { allowPrivileged: false }).object as { metadata: { labels: Record<string, string> }; spec: { selector: unknown; backoffLimit: number } };
    expect(admitted.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': '0b0d7d35-0000-4000-8000-000000000001' } });
    expect(admitted.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'j', 'job-name': 'j' });
    expect(admitted.spec.backoffLimit).toBe(6);
  });
});
