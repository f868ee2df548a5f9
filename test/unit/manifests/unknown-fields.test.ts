// Fields the Kubernetes schema does not know: a warning with file:line:column and the field path, and
// the field is dropped; an error in strict mode. Values of the wrong type are always errors.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseManifests, admit, ManifestError } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { Deployment } from '../../../src/kube/types.js';

const healthcheck = readFileSync(new URL('../../../manifests/healthcheck.yaml', import.meta.url), 'utf8');

describe('unknown fields in a file', () => {
  it('warns with file:line:column and the field path, suggests the right name, and drops the field', () => {
    const typo = healthcheck.replace('readinessProbe:', 'readinesProbe:');
    const { objects, warnings } = parseManifests(typo, 'healthcheck.yaml');
    expect(warnings).toContain('healthcheck.yaml:22:11: unknown field "spec.template.spec.containers[0].readinesProbe" (ignored; did you mean "readinessProbe"?)');
    const c = (objects[0]!.object as Deployment).spec!.template.spec!.containers[0]! as unknown as Record<string, unknown>;
    expect(c.readinesProbe).toBeUndefined();
    expect(c.readinessProbe).toBeUndefined();
  });

  it('says where a field belongs when it was indented under the wrong parent', () => {
    const text = [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', 'spec:', '  containers:', '    - name: web',
      '      image: nginx:1.25', '      ports:', '        - containerPort: 80', '          livenessProbe:', '            tcpSocket:', '              port: 80',
    ].join('\n');
    const { objects, warnings } = parseManifests(text, 'pod.yaml');
    expect(warnings).toEqual([
      'pod.yaml:11:11: unknown field "spec.containers[0].ports[0].livenessProbe" (ignored; "livenessProbe" is a field of spec.containers[0]; check its indentation)',
    ]);
    expect((objects[0]!.object.spec as { containers: object[] }).containers[0]).not.toHaveProperty('livenessProbe');
  });

  it('reports every unknown field, at any depth, including metadata and the top level', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  label: {a: b}\nspec:\n  ports:\n  - port: 80\n    targetport: 8080\nstatus2: {}\n';
    const { warnings, objects } = parseManifests(text, 'svc.yaml');
    expect(warnings).toEqual([
      'svc.yaml:5:3: unknown field "metadata.label" (ignored; did you mean "labels"?)',
      'svc.yaml:9:5: unknown field "spec.ports[0].targetport" (ignored; did you mean "targetPort"?)',
      'svc.yaml:10:1: unknown field "status2" (ignored; did you mean "status"?)',
    ]);
    expect(objects[0]!.object).not.toHaveProperty('status2');
    // targetPort then defaults to the port, as it would without the typo.
    expect((objects[0]!.object.spec as { ports: { targetPort: number }[] }).ports[0]!.targetPort).toBe(80);
  });

  it('accepts every field of a full `kubectl get -o yaml` style object without warnings', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: full
  namespace: default
  uid: 0b7c9c1e-0000-4000-8000-000000000000
  resourceVersion: "42"
  generation: 2
  creationTimestamp: "2024-01-01T00:00:00Z"
  annotations: {deployment.kubernetes.io/revision: "1"}
spec:
  replicas: 1
  selector: {matchLabels: {app: full}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata:
      creationTimestamp: null
      labels: {app: full}
    spec:
      containers:
      - name: full
        image: nginx:1.25
        resources: {limits: {cpu: 500m, memory: 128Mi}, requests: {cpu: 0.25}}
        env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        startupProbe: {grpc: {port: 9000}, failureThreshold: 30}
        readinessProbe: {httpGet: {path: /ready, port: 80, httpHeaders: [{name: X-Probe, value: ready}]}, periodSeconds: 5}
status:
  replicas: 1
  conditions: [{type: Available, status: "True", lastUpdateTime: "2024-01-01T00:00:00Z"}]
`;
    const { warnings, objects } = parseManifests(text, 'full.yaml');
    expect(warnings).toEqual([]);
    expect((objects[0]!.object as Deployment).spec!.template.spec!.containers[0]!.env![0]!.valueFrom!.fieldRef!.apiVersion).toBe('v1');
  });

  it('is an error in strict mode', () => {
    const typo = healthcheck.replace('apiVersion: extensions/v1beta1', 'apiVersion: apps/v1').replace('readinessProbe:', 'readinesProbe:');
    let err: unknown;
    try { parseManifests(typo, 'healthcheck.yaml', { strict: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).message).toContain('healthcheck.yaml:22:11: unknown field "spec.template.spec.containers[0].readinesProbe"');
    expect((err as ManifestError).message).toContain('hint: did you mean "readinessProbe"?');
  });
});

describe('wrong types', () => {
  it('a quoted number where an integer belongs says to remove the quotes', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: "80"\n';
    expect(() => parseManifests(text, 'svc.yaml')).toThrow('svc.yaml:7:5: Service "web" is invalid: spec.ports[0].port: Invalid value: "80": must be an integer, not a string; remove the quotes');
  });

  it('a label value that YAML reads as a number or boolean says to quote it', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    version: 1.5\n    canary: true\nspec:\n  ports:\n  - port: 80\n';
    let err: unknown;
    try { parseManifests(text, 'svc.yaml'); } catch (e) { err = e; }
    const m = (err as ManifestError).message;
    expect(m).toContain('svc.yaml:6:5: Service "web" is invalid: metadata.labels[version]: Invalid value: 1.5: must be a string, not a fractional number; put the value in quotes');
    expect(m).toContain('svc.yaml:7:5: Service "web" is invalid: metadata.labels[canary]: Invalid value: true: must be a string, not a boolean');
  });

  it('a map where a list belongs', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    name: web\n    image: nginx\n';
    expect(() => parseManifests(text, 'pod.yaml')).toThrow('pod.yaml:6:3: Pod "web" is invalid: spec.containers: Invalid value: {...}: must be a list of Container objects, not an object');
  });
});

describe('unknown fields in API bodies (admit)', () => {
  const body = () => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25', imagePullPolcy: 'Always' }] },
  });

  it('become warnings, as the apiserver returns them', () => {
    const { object, warnings } = admit(body());
    expect(warnings).toEqual(['unknown field "spec.containers[0].imagePullPolcy" (ignored; did you mean "imagePullPolicy"?)']);
    expect((object.spec as { containers: Record<string, unknown>[] }).containers[0]!.imagePullPolicy).toBe('IfNotPresent');
  });

  it('are a 400 strict decoding error in strict mode', () => {
    try {
      admit(body(), { strict: true });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).code).toBe(400);
      expect((e as StatusError).message).toBe('strict decoding error: unknown field "spec.containers[0].imagePullPolcy" (did you mean "imagePullPolicy"?)');
    }
  });
});

describe('YAML 1.1 scalars, read as kubectl reads them', () => {
  const pod = (extra: string, env = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  creationTimestamp: 2024-01-01T00:00:00Z\nspec:\n${extra}  containers:\n    - name: c\n      image: nginx:1.25\n${env}`;

  it('yes/on are booleans and 0644 is octal', () => {
    const { objects } = parseManifests(pod('  hostNetwork: off\n  terminationGracePeriodSeconds: 0644\n'), 'p.yaml');
    const spec = objects[0]!.object.spec as { hostNetwork: boolean; terminationGracePeriodSeconds: number };
    expect(spec.hostNetwork).toBe(false);
    expect(spec.terminationGracePeriodSeconds).toBe(420);
    expect(objects[0]!.object.metadata!.creationTimestamp).toBe('2024-01-01T00:00:00Z');
  });

  it('so an unquoted yes where a string belongs is refused, as a real cluster refuses it', () => {
    expect(() => parseManifests(pod('', '      env:\n        - name: DEBUG\n          value: yes\n'), 'p.yaml'))
      .toThrow('p.yaml:12:11: Pod "p" is invalid: spec.containers[0].env[0].value: Invalid value: true: must be a string, not a boolean; put the value in quotes to make it a string');
  });
});
