// admit(): JSON bodies as kubectl sends them. Validation errors are a 422 Invalid with one cause per
// field in Kubernetes' wording; what cannot be mapped to a served kind is a 400.
import { describe, it, expect } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';
import type { Deployment } from '../../../src/kube/types.js';

function rejection(obj: KubeObject, opts = {}): StatusError {
  try {
    admit(obj, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return e as StatusError;
  }
  throw new Error('accepted');
}

const deployment = (patch: (d: Deployment) => void = () => {}): KubeObject => {
  const d: Deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'ondalk8s/healthcheck:v1', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
  patch(d);
  return d as unknown as KubeObject;
};
const container = (d: Deployment) => d.spec!.template.spec!.containers[0]!;

/** The causes of a 422 as "field: message" lines. */
function causes(obj: KubeObject, opts = {}): string[] {
  const err = rejection(obj, opts);
  expect(err.code).toBe(422);
  expect(err.reason).toBe('Invalid');
  return (err.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
}

describe('the 422 Invalid error', () => {
  it('has Kubernetes\' shape: kind, name, a message listing every cause, and typed causes', () => {
    const err = rejection(deployment((d) => { delete (d.spec as Partial<Deployment['spec'] & object>).selector; }));
    expect(err.code).toBe(422);
    expect(err.message).toBe('Deployment "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]');
    expect(err.details).toMatchObject({ name: 'web', group: 'apps', kind: 'Deployment' });
    expect(err.details!.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' },
    ]);
    expect(err.toStatus()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
  });

  it('does not change the object it was given', () => {
    const input = deployment();
    const before = JSON.stringify(input);
    admit(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('kinds and versions', () => {
  it('unsupported kinds are a 400 naming the supported ones', () => {
    const err = rejection({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'x' } });
    expect(err.code).toBe(400);
    expect(err.message).toBe('kind PersistentVolumeClaim is not supported by mini-kube (supported: Deployment, Pod, Service, ReplicaSet, Namespace, Endpoints, Event, ConfigMap, Secret, ServiceAccount, Node, Lease, PodDisruptionBudget)');
  });

  it('a missing kind or apiVersion is a 400 that says so', () => {
    expect(rejection({ apiVersion: 'v1', metadata: { name: 'x' } }).message).toContain('kind is missing');
    expect(rejection({ kind: 'Service', metadata: { name: 'x' } }).message).toBe('apiVersion is missing for kind Service (write "apiVersion: v1")');
  });

  it('a version mini-kube does not serve is "no matches"', () => {
    expect(rejection({ apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'x' } }).message)
      .toBe('no matches for kind "Deployment" in version "v1" (mini-kube serves Deployment as apps/v1: write "apiVersion: apps/v1")');
  });

  for (const version of ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2']) {
    it(`converts ${version} to apps/v1 with a warning, and refuses it in strict mode`, () => {
      const legacy = deployment((d) => { d.apiVersion = version as 'apps/v1'; });
      const { object, warnings } = admit(legacy);
      expect(object.apiVersion).toBe('apps/v1');
      expect(warnings).toEqual([`Deployment "web" uses apiVersion ${version}, which real Kubernetes clusters refuse since 1.16; mini-kube converted it to apps/v1 — write "apiVersion: apps/v1" to be portable`]);
      const strict = rejection(legacy, { strict: true });
      expect(strict.code).toBe(400);
      expect(strict.message).toContain(`no matches for kind "Deployment" in version "${version}"`);
    });
  }

  it('extensions/v1beta1 defaults a missing selector from the template labels; apps/v1 requires it', () => {
    const noSelector = (v: string) => deployment((d) => { d.apiVersion = v as 'apps/v1'; delete (d.spec as { selector?: unknown }).selector; });
    const { object } = admit(noSelector('extensions/v1beta1'));
    expect((object as Deployment).spec!.selector).toEqual({ matchLabels: { app: 'web' } });
    expect((object as Deployment).metadata!.labels).toEqual({ app: 'web' });
    expect(causes(noSelector('apps/v1'))).toContain('spec.selector: Required value');
    // apps/v1beta2 already required it.
    expect(causes(noSelector('apps/v1beta2'))).toContain('spec.selector: Required value');
  });

  it('drops extensions/v1beta1 spec.rollbackTo with a warning', () => {
    const obj = deployment((d) => { d.apiVersion = 'extensions/v1beta1' as 'apps/v1'; (d.spec as { rollbackTo?: unknown }).rollbackTo = { revision: 1 }; });
    const { object, warnings } = admit(obj);
    expect(object.spec).not.toHaveProperty('rollbackTo');
    expect(warnings[1]).toContain('spec.rollbackTo does not exist in apps/v1 and was dropped');
  });

  it('wrong value types are a 400 decoding error', () => {
    const err = rejection(deployment((d) => { (d.spec as { replicas: unknown }).replicas = '3'; }));
    expect(err.code).toBe(400);
    expect(err.message).toBe('Deployment in version "apps/v1" cannot be handled as a Deployment: spec.replicas: Invalid value: "3": must be an integer, not a string; remove the quotes');
  });
});

describe('probe validation', () => {
  const probeCauses = (kind: 'livenessProbe' | 'readinessProbe' | 'startupProbe', probe: object) =>
    causes(deployment((d) => { (container(d) as Record<string, unknown>)[kind] = probe; }));
  const p = 'spec.template.spec.containers[0]';

  it('liveness and startup successThreshold must be 1', () => {
    expect(probeCauses('livenessProbe', { exec: { command: ['true'] }, successThreshold: 2 })).toEqual([`${p}.livenessProbe.successThreshold: Invalid value: 2: must be 1`]);
    expect(probeCauses('startupProbe', { exec: { command: ['true'] }, successThreshold: 3 })).toEqual([`${p}.startupProbe.successThreshold: Invalid value: 3: must be 1`]);
  });

  it('readiness may have successThreshold > 1 but no terminationGracePeriodSeconds', () => {
    expect(admit(deployment((d) => { container(d).readinessProbe = { tcpSocket: { port: 8080 }, successThreshold: 2 }; })).object).toBeTruthy();
    expect(probeCauses('readinessProbe', { tcpSocket: { port: 8080 }, terminationGracePeriodSeconds: 5 }))
      .toEqual([`${p}.readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes`]);
  });

  it('exactly one handler', () => {
    expect(probeCauses('livenessProbe', { periodSeconds: 5 })).toEqual([`${p}.livenessProbe: Required value: must specify a handler type`]);
    expect(probeCauses('livenessProbe', { exec: { command: ['true'] }, httpGet: { port: 80 }, tcpSocket: { port: 80 } })).toEqual([
      `${p}.livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type`,
      `${p}.livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type`,
    ]);
  });

  it('negative numbers, scheme, ports and grace period', () => {
    expect(probeCauses('livenessProbe', { tcpSocket: { port: 8080 }, initialDelaySeconds: -1, timeoutSeconds: -2, failureThreshold: -3 })).toEqual([
      `${p}.livenessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0`,
      `${p}.livenessProbe.timeoutSeconds: Invalid value: -2: must be greater than or equal to 0`,
      `${p}.livenessProbe.failureThreshold: Invalid value: -3: must be greater than or equal to 0`,
    ]);
    expect(probeCauses('readinessProbe', { httpGet: { path: '/', port: 8080, scheme: 'http' } }))
      .toEqual([`${p}.readinessProbe.httpGet.scheme: Unsupported value: "http": supported values: "HTTP", "HTTPS"`]);
    expect(probeCauses('readinessProbe', { httpGet: { port: 0 } })).toEqual([`${p}.readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive`]);
    expect(probeCauses('readinessProbe', { tcpSocket: { port: 'web--port-name-too-long' } })).toEqual([
      `${p}.readinessProbe.tcpSocket.port: Invalid value: "web--port-name-too-long": must be no more than 15 characters`,
      `${p}.readinessProbe.tcpSocket.port: Invalid value: "web--port-name-too-long": must not contain consecutive hyphens`,
    ]);
    expect(probeCauses('readinessProbe', { grpc: { port: 70000 } })).toEqual([`${p}.readinessProbe.grpc.port: Invalid value: 70000: must be between 1 and 65535, inclusive`]);
    expect(probeCauses('livenessProbe', { exec: { command: ['true'] }, terminationGracePeriodSeconds: 0 }))
      .toEqual([`${p}.livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0`]);
    expect(probeCauses('livenessProbe', { httpGet: { port: 'http', httpHeaders: [{ name: 'Bad Header', value: 'x' }] } }))
      .toEqual([`${p}.livenessProbe.httpGet.httpHeaders: Invalid value: "Bad Header": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')`]);
  });

  it('a named port is fine without checking container ports (resolved at probe time)', () => {
    expect(admit(deployment((d) => { container(d).livenessProbe = { httpGet: { port: 'http' } }; })).object).toBeTruthy();
  });

  it('zero values are defaulted before validation, as the apiserver does', () => {
    const { object } = admit(deployment((d) => { container(d).livenessProbe = { tcpSocket: { port: 8080 }, successThreshold: 0, periodSeconds: 0 }; }));
    expect(container(object as Deployment).livenessProbe).toMatchObject({ successThreshold: 1, periodSeconds: 10 });
  });
});

describe('deployment validation', () => {
  it('replicas, strategy and deadlines', () => {
    expect(causes(deployment((d) => { d.spec!.replicas = -1; }))).toEqual(['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
    expect(causes(deployment((d) => { d.spec!.strategy = { rollingUpdate: { maxSurge: '10', maxUnavailable: -1 } }; }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"10\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
    expect(causes(deployment((d) => { d.spec!.strategy = { rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } }; })))
      .toEqual(['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']);
    expect(causes(deployment((d) => { d.spec!.strategy = { type: 'Recreate', rollingUpdate: {} }; })))
      .toEqual(["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
    expect(causes(deployment((d) => { d.spec!.strategy = { type: 'BlueGreen' }; })))
      .toEqual(['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"']);
    expect(causes(deployment((d) => { d.spec!.minReadySeconds = 10; d.spec!.progressDeadlineSeconds = 10; })))
      .toEqual(['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds']);
  });

  it('selectors: matching, expressions, and empty', () => {
    expect(admit(deployment((d) => { d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }; })).object).toBeTruthy();
    expect(causes(deployment((d) => { d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'In' }, { key: 'x', operator: 'Exists', values: ['y'] }, { key: 'z', operator: 'Like' }] }; })))
      .toEqual([
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Like": not a valid selector operator',
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ]);
    expect(causes(deployment((d) => { d.spec!.selector = {}; }))).toEqual(['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
  });

  it('names and labels use Kubernetes\' formats and messages', () => {
    expect(causes(deployment((d) => { d.metadata!.name = 'web_1'; }))).toEqual([
      "metadata.name: Invalid value: \"web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(causes(deployment((d) => { d.metadata!.name = 'a'.repeat(254); }))[0]).toContain('must be no more than 253 characters');
    expect(causes(deployment((d) => { d.metadata = {}; }))).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(admit(deployment((d) => { d.metadata = { generateName: 'web-' }; })).object).toBeTruthy();
    expect(causes(deployment((d) => { d.metadata!.labels = { 'example.com/Tier': 'front', 'bad key': 'x', '-x': 'v' }; }))).toEqual([
      "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.labels: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    expect(causes(deployment((d) => { d.metadata!.labels = { 'Bad_Prefix.com/x': 'v' }; }))[0]).toContain('prefix part a lowercase RFC 1123 subdomain must consist of');
    expect(causes(deployment((d) => { d.metadata!.namespace = 'My-NS'; }))[0]).toContain("metadata.namespace: Invalid value: \"My-NS\": a lowercase RFC 1123 label must consist of");
  });
});

describe('container validation', () => {
  it('at least one container, unique names, image, ports, pull policy, restart policy', () => {
    expect(causes(deployment((d) => { d.spec!.template.spec!.containers = []; }))).toEqual(['spec.template.spec.containers: Required value']);
    expect(causes(deployment((d) => {
      const c = container(d);
      d.spec!.template.spec!.containers.push({ ...c, image: '' });
      c.ports = [{ containerPort: 8080, name: 'http' }, { containerPort: 0, name: 'http' }, { containerPort: 9090, name: 'Metrics', protocol: 'ICMP' }];
      c.imagePullPolicy = 'Sometimes';
      d.spec!.template.spec!.restartPolicy = 'OnFailure';
    }))).toEqual([
      'spec.template.spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.template.spec.containers[0].ports[1].containerPort: Required value',
      'spec.template.spec.containers[0].ports[2].name: Invalid value: "Metrics": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.template.spec.containers[0].ports[2].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      'spec.template.spec.containers[1].image: Required value',
      'spec.template.spec.containers[1].name: Duplicate value: "web"',
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('env, volumes, mounts and resources', () => {
    expect(causes(deployment((d) => {
      const c = container(d);
      c.env = [{ name: '1BAD' }, { name: 'OK', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
      c.volumeMounts = [{ name: 'data', mountPath: '/data' }, { name: 'cache', mountPath: '/data' }];
      c.resources = { limits: { cpu: '500m', memory: 'lots' }, requests: { cpu: '1' } };
      d.spec!.template.spec!.volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {}, hostPath: { path: '/tmp' } }];
    }), { allowPrivileged: true })).toEqual([
      'spec.template.spec.volumes[1].name: Duplicate value: "data"',
      'spec.template.spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type',
      "spec.template.spec.containers[0].env[0].name: Invalid value: \"1BAD\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      'spec.template.spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.template.spec.containers[0].volumeMounts[1].name: Not found: "cache"',
      'spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
      "spec.template.spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      'spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "1": must be less than or equal to cpu limit of 500m',
    ]);
  });
});

describe('pod validation', () => {
  const pod = (spec: object, name = 'web'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ...spec } });

  it('restart and DNS policy, grace period, deadline, init containers', () => {
    expect(admit(pod({ restartPolicy: 'Never' })).object).toBeTruthy();
    expect(causes(pod({
      restartPolicy: 'Sometimes', dnsPolicy: 'Google', terminationGracePeriodSeconds: -1, activeDeadlineSeconds: 0,
      initContainers: [{ name: 'c', image: 'busybox', livenessProbe: { exec: { command: ['true'] } } }],
    }))).toEqual([
      'spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
      'spec.initContainers[0].name: Duplicate value: "c"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
      'spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    ]);
  });
});

describe('service validation', () => {
  const svc = (spec: object, name = 'web'): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec } });

  it('names are DNS-1035 labels', () => {
    expect(causes(svc({}, 'web.example'))).toEqual([
      "metadata.name: Invalid value: \"web.example\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('ports: required, range, names, protocol, targetPort, duplicates', () => {
    expect(causes(svc({ ports: [] }))).toEqual(['spec.ports: Required value']);
    expect(causes(svc({
      ports: [
        { name: 'http', port: 0, targetPort: 'http_port' },
        { port: 443, protocol: 'SCTP' },
        { name: 'http', port: 8080, protocol: 'tcp', targetPort: 70000 },
        { name: 'again', port: 8080, protocol: 'tcp' },
      ],
    }))).toEqual([
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: "http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ports[1].name: Required value',
      'spec.ports[1].protocol: Unsupported value: "SCTP": mini-kube\'s service proxy serves TCP only',
      'spec.ports[2].name: Duplicate value: "http"',
      'spec.ports[2].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP"',
      'spec.ports[2].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ports[3].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP"',
      'spec.ports[3]: Duplicate value: {"protocol":"tcp","port":8080}',
    ]);
  });

  it('type, nodePort and affinity', () => {
    expect(causes(svc({ type: 'ExternalName', externalName: 'db.example.com' }))[0])
      .toBe('spec.type: Unsupported value: "ExternalName": mini-kube does not serve ExternalName services (they are DNS aliases and mini-kube has no cluster DNS); use ClusterIP, NodePort or LoadBalancer');
    expect(causes(svc({ type: 'Headless' }))).toEqual(['spec.type: Unsupported value: "Headless": supported values: "ClusterIP", "LoadBalancer", "NodePort"']);
    expect(causes(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })))
      .toEqual(['spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767']);
    expect(causes(svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] })))
      .toEqual(['spec.ports[1].nodePort: Duplicate value: 30080']);
    expect(causes(svc({ ports: [{ port: 80, nodePort: 30080 }] }))).toEqual(["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
    expect(causes(svc({ sessionAffinity: 'Sticky' }))).toEqual(['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']);
    expect(causes(svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } })))
      .toEqual(['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400']);
    expect(causes(svc({ externalTrafficPolicy: 'Local' }))).toEqual(['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']);
    expect(admit(svc({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 32767 }] })).object).toBeTruthy();
    expect(causes(svc({ clusterIP: '10.0.0.300' }))).toEqual(['spec.clusterIP: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  });

  it('selector labels are validated', () => {
    expect(causes(svc({ selector: { app: 'bad value' } }))[0]).toContain('spec.selector: Invalid value: "bad value": a valid label must be an empty string');
  });
});
