// The Kubernetes protobuf content type: bodies captured from real kubectl 1.32 (`kubectl create ...`
// against a recording proxy, test/fixtures/protobuf/kubectl-1.32-create.json) decode to exactly the
// JSON the same kubectl prints for `--dry-run=client -o json`; objects mini-kube sends survive the
// encode/decode round trip, including Time, MicroTime, IntOrString, Quantity, RawExtension, bytes maps
// and pointer fields set to 0 or false.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IncomingMessage } from 'node:http';
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { K8S_DESCRIPTOR } from '../../../src/api/protobuf/k8s-descriptor.generated.js';
import { decodeObject, decodeWatchEvent, encodeObject, encodeWatchEvent, envelope, MAGIC, readEnvelope } from '../../../src/api/protobuf/codec.js';
import { negotiate, prefersProtobuf } from '../../../src/api/http/negotiate.js';
import { StatusError } from '../../../src/kube/errors.js';

interface Capture { command: string; url: string; contentType: string; accept: string; body: string; json: Record<string, unknown> }

const captures = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/protobuf/kubectl-1.32-create.json'), 'utf8')) as Capture[];

/** JSON null is "unset" (Go's zero Time marshals as null): what a decoder of either form sees as absent. */
const withoutNulls = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === null ? undefined : x))) as unknown;

describe('protobuf bodies kubectl 1.32 sends', () => {
  it('were captured for every create command of the course', () => {
    expect(captures.map((c) => c.command.split(' ').slice(1, 3).join(' '))).toEqual([
      'create namespace', 'create deployment', 'create configmap', 'create secret', 'create secret', 'create service', 'create service',
      'create serviceaccount', 'create token', 'auth can-i', 'auth whoami', 'create quota',
    ]);
    for (const c of captures) {
      expect(c.contentType).toBe('application/vnd.kubernetes.protobuf');
      expect(c.accept).toBe('application/vnd.kubernetes.protobuf,application/json');
    }
  });

  it.each(captures.map((c) => [c.command, c]))('%s decodes to the JSON kubectl would send', (_cmd, c) => {
    expect(decodeObject(Buffer.from(c.body, 'base64'))).toEqual(withoutNulls(c.json));
  });

  it('keeps a pointer field set to zero (replicas: 0) and drops a non-pointer zero (nodePort: 0 of a ClusterIP port)', () => {
    const deploy = decodeObject(Buffer.from(captures[1]!.body, 'base64')) as { spec: { replicas?: number } };
    expect(deploy.spec.replicas).toBe(0);
    const svc = decodeObject(Buffer.from(captures[5]!.body, 'base64')) as { spec: { ports: Record<string, unknown>[] } };
    expect(svc.spec.ports[0]).toEqual({ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 });
    expect(svc.spec.ports[1]!['targetPort']).toBe('https');
  });

  it('reads Quantities as kubectl canonicalized them (0.5Ti is sent as 512Gi)', () => {
    const quota = decodeObject(Buffer.from(captures.at(-1)!.body, 'base64')) as { spec: { hard: Record<string, string> } };
    expect(quota.spec.hard).toEqual({ cpu: '1500m', memory: '1G', pods: '10', 'requests.storage': '512Gi' });
  });

  it('keeps binary data as base64, as JSON carries it', () => {
    const cm = decodeObject(Buffer.from(captures[2]!.body, 'base64')) as { binaryData: Record<string, string>; data: Record<string, string> };
    expect(cm.binaryData).toEqual({ bin: 'AAH+/w==' });
    expect(cm.data).toEqual({ mode: 'fast', empty: '' });
  });
});

const RICH_POD = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name: 'web', namespace: 'default', uid: '8d6c7f6e-0000-4000-8000-000000000001', resourceVersion: '42', generation: 3,
    creationTimestamp: '2026-12-05T04:30:14Z', labels: { app: 'web' }, annotations: { note: 'x' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true, blockOwnerDeletion: false }],
    managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-12-05T04:30:14Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
  },
  spec: {
    terminationGracePeriodSeconds: 0, automountServiceAccountToken: false, enableServiceLinks: false,
    securityContext: { runAsUser: 0, runAsNonRoot: false, fsGroup: 2000 },
    containers: [{
      name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0.25', memory: '64Mi' } },
      livenessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10 },
      readinessProbe: { tcpSocket: { port: 80 } },
      securityContext: { privileged: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      env: [{ name: 'A', value: 'b' }, { name: 'C', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: false } } }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    }],
    volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }, { name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } }],
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
  },
  status: {
    phase: 'Running', podIP: '10.1.0.7', podIPs: [{ ip: '10.1.0.7' }], qosClass: 'Burstable',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-12-05T04:30:20Z' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 2, image: 'nginx:1.25', imageID: 'sha', containerID: 'docker://abc', started: true,
      state: { running: { startedAt: '2026-12-05T04:30:19Z' } }, lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2026-12-05T04:30:15Z', finishedAt: '2026-12-05T04:30:18Z' } } }],
  },
};

describe('encode then decode (what a Go client reads back is what mini-kube stored)', () => {
  it('a pod with Quantities, IntOrStrings, Times, FieldsV1 and pointer zeros', () => {
    const bytes = encodeObject(RICH_POD)!;
    expect(bytes.subarray(0, 4)).toEqual(MAGIC);
    expect(readEnvelope(bytes)).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(decodeObject(bytes)).toEqual(RICH_POD);
  });

  it('a Job, a CronJob and a DaemonSet keep their pointer zeros (backoffLimit: 0, suspend: false, a history limit of 0)', () => {
    const template = { metadata: { labels: { app: 'x' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } };
    const job = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' },
      spec: { backoffLimit: 0, ttlSecondsAfterFinished: 0, suspend: false, parallelism: 0, completions: 3, completionMode: 'Indexed', manualSelector: false,
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 42] } }] }, template },
      status: { succeeded: 1, ready: 0, terminating: 0, completedIndexes: '0', startTime: '2026-12-05T04:30:19Z', conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2026-12-05T04:30:20Z' }] },
    };
    expect(decodeObject(encodeObject(job)!)).toEqual(job);
    const cj = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' },
      spec: { schedule: '*/5 * * * *', timeZone: 'Europe/Paris', suspend: false, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0, startingDeadlineSeconds: 0,
        concurrencyPolicy: 'Forbid', jobTemplate: { spec: { backoffLimit: 0, template } } },
    };
    expect(decodeObject(encodeObject(cj)!)).toEqual(cj);
    const ds = {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'x' } }, revisionHistoryLimit: 0, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } },
        template: { ...template, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
    };
    expect(decodeObject(encodeObject(ds)!)).toEqual(ds);
  });

  it('an Event with MicroTime and a count', () => {
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
      reason: 'Started', message: 'Started container web', type: 'Normal', count: 3, eventTime: '2026-12-05T04:30:19.123456Z',
      firstTimestamp: '2026-12-05T04:30:10Z', lastTimestamp: '2026-12-05T04:30:19Z', source: { component: 'kubelet' } };
    expect(decodeObject(encodeObject(ev)!)).toEqual(ev);
  });

  it('a list keeps its items and list metadata; items carry no apiVersion/kind, as in protobuf', () => {
    const list = { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '9' },
      items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 0, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } } }] };
    expect(decodeObject(encodeObject(list)!)).toEqual({ apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '9' },
      items: [{ metadata: { name: 'd' }, spec: { replicas: 0, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } } }] });
  });

  it('a Status, a Scale, DeleteOptions', () => {
    const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'namespaces "x" already exists', reason: 'AlreadyExists', details: { name: 'x', kind: 'namespaces' }, code: 409 };
    expect(decodeObject(encodeObject(status)!)).toEqual(status);
    const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'd', namespace: 'default' }, spec: { replicas: 0 }, status: { replicas: 2, selector: 'app=d' } };
    expect(decodeObject(encodeObject(scale)!)).toEqual(scale);
    const opts = { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] };
    expect(decodeObject(encodeObject(opts)!)).toEqual(opts);
  });

  it('a watch event is length-framed, its object enveloped', () => {
    const frame = encodeWatchEvent('ADDED', RICH_POD)!;
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(decodeWatchEvent(frame)).toEqual({ type: 'ADDED', object: RICH_POD });
  });

  it('kinds without a protobuf form here (Tables, discovery) are left to JSON', () => {
    expect(encodeObject({ apiVersion: 'meta.k8s.io/v1', kind: 'Table', rows: [] })).toBeUndefined();
    expect(encodeObject({ kind: 'APIResourceList', groupVersion: 'v1' })).toBeUndefined();
  });
});

describe('refusals', () => {
  it('a kind without a protobuf form here (a NetworkPolicy) is 415 naming the kind', () => {
    let err: unknown;
    try { decodeObject(envelope('networking.k8s.io/v1', 'NetworkPolicy', new Uint8Array())); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(415);
    expect((err as StatusError).message).toContain('the protobuf body holds networking.k8s.io/v1, Kind=NetworkPolicy, which mini-kube cannot read');
  });

  it('a body without the k8s\\0 prefix is 400', () => {
    expect(() => decodeObject(Buffer.from('{"kind":"Pod"}'))).toThrow(/starts with the 4 bytes/);
  });
});

const req = (accept: string | undefined) => ({ headers: accept === undefined ? {} : { accept } }) as IncomingMessage;

describe('negotiation', () => {
  it.each([
    ['application/vnd.kubernetes.protobuf,application/json', true],
    ['application/json, */*', false],
    [undefined, false],
    ['application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io,application/json', false],
    ['application/json;q=0.5,application/vnd.kubernetes.protobuf', true],
    ['application/vnd.kubernetes.protobuf;q=0.1,application/json', false],
  ])('Accept %s -> protobuf %s', (accept, expected) => {
    expect(prefersProtobuf(req(accept))).toBe(expected);
  });

  it('a protobuf range asking for a Table falls through to the JSON Table (Tables are JSON or YAML only)', () => {
    expect(negotiate(req('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io,application/json')))
      .toEqual({ as: 'table', apiVersion: 'meta.k8s.io/v1' });
  });
});

describe('hostile bytes', () => {
  it('mutated kubectl bodies decode or are a 4xx Status, never another error', () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const others: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const b = Buffer.from(captures[n % captures.length]!.body, 'base64');
      for (let i = 0; i < 1 + Math.floor(rnd() * 4); i++) b[4 + Math.floor(rnd() * (b.length - 4))] = Math.floor(rnd() * 256);
      try {
        decodeObject(b);
      } catch (e) {
        if (!(e instanceof StatusError) || e.code >= 500) others.push(String(e));
      }
    }
    expect(others).toEqual([]);
  });

  it('a timestamp out of range is a 400', () => {
    const Namespace = protobuf.Root.fromJSON(K8S_DESCRIPTOR as protobuf.INamespace).lookupType('k8s.io.api.core.v1.Namespace');
    const raw = Namespace.encode(Namespace.fromObject({ metadata: { name: 'x', creationTimestamp: { seconds: 9e15 } } })).finish();
    expect(() => decodeObject(envelope('v1', 'Namespace', raw))).toThrow(/a timestamp in the protobuf body is out of range/);
  });
});

describe('the descriptor', () => {
  it('is what the generator makes of the checked-in .proto files', () => {
    const script = path.resolve(import.meta.dirname, '../../../src/api/protobuf/generate-descriptor.mjs');
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toMatch(/^\d+ messages\n$/);
  });
});
