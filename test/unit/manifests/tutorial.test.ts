// The tutorial's own manifests: as printed (with its indentation slip), as fixed, and the Service.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseManifests, ManifestError } from '../../../src/manifests/index.js';
import type { Deployment, Service } from '../../../src/kube/types.js';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

function refusal(text: string, source: string): ManifestError {
  try {
    parseManifests(text, source);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return e as ManifestError;
  }
  throw new Error(`${source} was accepted`);
}

describe('healthcheck.yaml as printed in the tutorial', () => {
  const text = read('test/fixtures/tutorial/healthcheck-as-printed.yaml');

  it('is the tutorial text, with readinessProbe one space too far on line 22', () => {
    expect(text.split('\n')[21]).toBe('           readinessProbe:');
    expect(text.split('\n')[19]).toBe('          ports:');
  });

  it('is refused with line 22 and the sibling it should line up with', () => {
    const err = refusal(text, 'healthcheck.yaml');
    expect(err.line).toBe(22);
    expect(err.column).toBe(12);
    expect(err.source).toBe('healthcheck.yaml');
    expect(err.message).toContain('healthcheck.yaml:22:12: YAML syntax error: bad indentation: "readinessProbe:" is indented 11 spaces');
    expect(err.message).toContain('hint: `readinessProbe:` should line up with `ports:` on line 20 (10 spaces, not 11)');
  });

  it('shows the offending line with a caret under the key', () => {
    const lines = refusal(text, 'healthcheck.yaml').message.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  22 | '));
    expect(lines[at]).toBe('  22 |            readinessProbe:');
    expect(lines[at + 1]).toBe('     |            ^');
    expect(lines[at + 1]!.indexOf('^')).toBe(lines[at]!.indexOf('r'));
  });
});

describe('manifests/healthcheck.yaml (indentation fixed)', () => {
  it('differs from the printed version only on line 22', () => {
    const printed = read('test/fixtures/tutorial/healthcheck-as-printed.yaml').split('\n');
    const fixed = read('manifests/healthcheck.yaml').split('\n');
    expect(fixed.length).toBe(printed.length);
    const diff = fixed.map((l, i) => (l === printed[i] ? -1 : i + 1)).filter((n) => n > 0);
    expect(diff).toEqual([22]);
  });

  it('parses into an apps/v1 Deployment with the readiness probe on the container', () => {
    const { objects, warnings } = parseManifests(read('manifests/healthcheck.yaml'), 'healthcheck.yaml');
    expect(objects).toHaveLength(1);
    const d = objects[0]!.object as Deployment;
    expect(d.apiVersion).toBe('apps/v1');
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/readiness', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3,
    });
    expect(warnings).toEqual([
      'healthcheck.yaml:1:1: Deployment "healthcheck-pod" uses apiVersion extensions/v1beta1, which real Kubernetes clusters refuse since 1.16; '
      + 'mini-kube converted it to apps/v1 — write "apiVersion: apps/v1" to be portable',
    ]);
  });
});

describe('liveness.yaml (extensions/v1beta1)', () => {
  it('is the verbatim tutorial text in both places', () => {
    expect(read('manifests/liveness.yaml')).toBe(read('test/fixtures/tutorial/liveness.yaml'));
    expect(read('manifests/liveness.yaml')).toMatch(/^apiVersion: extensions\/v1beta1\nkind: Deployment\n/);
  });

  it('is converted to apps/v1 with extensions/v1beta1 defaults and a warning', () => {
    const { objects, warnings } = parseManifests(read('manifests/liveness.yaml'), 'liveness.yaml');
    const d = objects[0]!.object as Deployment;
    expect(objects[0]!.line).toBe(1);
    expect(d.apiVersion).toBe('apps/v1');
    expect(d.metadata!.namespace).toBe('default');
    // extensions/v1beta1 copied the template labels to the Deployment's own labels.
    expect(d.metadata!.labels).toEqual({ app: 'liveness' });
    expect(d.spec!.replicas).toBe(3);
    expect(d.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } });
    expect(d.spec!.revisionHistoryLimit).toBe(2147483647);
    expect(d.spec!.progressDeadlineSeconds).toBe(2147483647);
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.livenessProbe).toEqual({
      exec: { command: ['cat', 'tmp/healthcheck'] },
      initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3,
    });
    expect(c.imagePullPolicy).toBe('Always');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('liveness.yaml:1:1: Deployment "liveness-pod" uses apiVersion extensions/v1beta1, which real Kubernetes clusters refuse since 1.16');
  });

  it('is refused in strict mode the way a current cluster refuses it', () => {
    expect(() => parseManifests(read('manifests/liveness.yaml'), 'liveness.yaml', { strict: true }))
      .toThrow('liveness.yaml:1:1: no matches for kind "Deployment" in version "extensions/v1beta1"');
  });
});

describe('svc.yaml', () => {
  it('is verbatim and parses into a defaulted NodePort Service', () => {
    expect(read('manifests/svc.yaml')).toBe(read('test/fixtures/tutorial/svc.yaml'));
    const { objects, warnings } = parseManifests(read('manifests/svc.yaml'), 'svc.yaml');
    expect(warnings).toEqual([]);
    const s = objects[0]!.object as Service;
    expect(s.spec).toEqual({
      selector: { app: 'healthcheck' },
      type: 'NodePort',
      ports: [{ name: 'myport', port: 80, protocol: 'TCP', targetPort: 8080 }],
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    });
  });
});

describe('manifests/tcp-liveness.yaml', () => {
  it('is an apps/v1 Deployment with a tcpSocket liveness probe on 8080, no warnings', () => {
    const { objects, warnings } = parseManifests(read('manifests/tcp-liveness.yaml'), 'tcp-liveness.yaml');
    expect(warnings).toEqual([]);
    const d = objects[0]!.object as Deployment;
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.image).toBe('ondalk8s/healthcheck:v1');
    expect(c.livenessProbe!.tcpSocket).toEqual({ port: 8080 });
    expect(d.spec!.strategy!.rollingUpdate).toEqual({ maxUnavailable: '25%', maxSurge: '25%' });
    expect(objects[0]!.line).toBe(4);
  });
});
