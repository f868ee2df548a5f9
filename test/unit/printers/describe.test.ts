// kubectl describe pages. The expected pages follow kubectl 1.32's describe.go line by line and were
// checked by hand against Go's tabwriter rules (padding 2, column blocks of consecutive tabbed lines:
// e.g. "Volumes:" and "QoS Class:" share the Conditions block, "  IP:" shares "Controlled By:"'s).
// Times print in the local zone, as kubectl's do, so the zone is pinned to UTC here.
process.env.TZ = 'UTC';

import { describe, expect, it } from 'vitest';
import type { Deployment, Endpoints, Event, Pod, ReplicaSet, Service } from '../../../src/kube/types.js';
import { describeProbe } from '../../../src/printers/describe-containers.js';
import { formatRFC1123Z } from '../../../src/printers/describe-writer.js';
import { describeDeployment, describePod, describeReplicaSet, describeService } from '../../../src/printers/describe.js';

const now = new Date('2024-05-01T12:00:00Z');

function event(reason: string, type: string, message: string, first: string, last: string, count: number, component = 'kubelet'): Event {
  return {
    apiVersion: 'v1', kind: 'Event', metadata: { name: `liveness-exec.${reason}`, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'liveness-exec', namespace: 'default' },
    reason, type, message, firstTimestamp: first, lastTimestamp: last, count, source: { component },
  };
}

const livenessPod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name: 'liveness-exec', namespace: 'default', uid: 'u1', creationTimestamp: '2024-05-01T11:59:00Z', labels: { test: 'liveness' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'liveness-7d4b9c', uid: 'rs1', controller: true }],
  },
  spec: {
    nodeName: 'mini-kube', restartPolicy: 'Always',
    containers: [{
      name: 'liveness', image: 'registry.k8s.io/busybox',
      args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
      ports: [{ containerPort: 8080 }],
      env: [{ name: 'MODE', value: 'demo' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      // Thresholds left out on purpose: they print with the apiserver's defaults.
      livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 },
      readinessProbe: { httpGet: { path: '/readiness', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5 },
      startupProbe: { tcpSocket: { port: 8080 }, failureThreshold: 30, periodSeconds: 10 },
    }],
  },
  status: {
    phase: 'Running', hostIP: '192.168.49.2', podIP: '10.244.0.6', podIPs: [{ ip: '10.244.0.6' }], startTime: '2024-05-01T11:59:00Z',
    conditions: [
      { type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'False' },
      { type: 'ContainersReady', status: 'False' }, { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [{
      name: 'liveness', image: 'registry.k8s.io/busybox:latest', imageID: 'docker-pullable://registry.k8s.io/busybox@sha256:abc',
      containerID: 'docker://0123abcd', ready: false, restartCount: 1, started: true,
      state: { running: { startedAt: '2024-05-01T11:59:50Z' } },
      lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2024-05-01T11:59:02Z', finishedAt: '2024-05-01T11:59:48Z' } },
    }],
  },
};

const livenessEvents = [
  event('Unhealthy', 'Warning', "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory", '2024-05-01T11:59:35Z', '2024-05-01T11:59:45Z', 3),
  event('Scheduled', 'Normal', 'Successfully assigned default/liveness-exec to mini-kube', '2024-05-01T11:59:00Z', '2024-05-01T11:59:00Z', 1, 'default-scheduler'),
  event('Pulled', 'Normal', 'Container image "registry.k8s.io/busybox" already present on machine', '2024-05-01T11:59:01Z', '2024-05-01T11:59:49Z', 2),
  event('Killing', 'Normal', 'Container liveness failed liveness probe, will be restarted', '2024-05-01T11:59:45Z', '2024-05-01T11:59:45Z', 1),
];

describe('describePod', () => {
  it('prints the whole page: probes, last state, folded events and a mini-kube note', () => {
    const out = describePod(livenessPod, livenessEvents, now, ['image registry.k8s.io/busybox was used from the local Docker cache']);
    expect(out).toBe(
      'Name:             liveness-exec\n' +
      'Namespace:        default\n' +
      'Priority:         0\n' +
      'Service Account:  default\n' +
      'Node:             mini-kube/192.168.49.2\n' +
      'Start Time:       Wed, 01 May 2024 11:59:00 +0000\n' +
      'Labels:           test=liveness\n' +
      'Annotations:      <none>\n' +
      'Status:           Running\n' +
      'IP:               10.244.0.6\n' +
      'IPs:\n' +
      '  IP:           10.244.0.6\n' +
      'Controlled By:  ReplicaSet/liveness-7d4b9c\n' +
      'Containers:\n' +
      '  liveness:\n' +
      '    Container ID:  docker://0123abcd\n' +
      '    Image:         registry.k8s.io/busybox\n' +
      '    Image ID:      docker-pullable://registry.k8s.io/busybox@sha256:abc\n' +
      '    Port:          8080/TCP\n' +
      '    Host Port:     0/TCP\n' +
      '    Args:\n' +
      '      /bin/sh\n' +
      '      -c\n' +
      '      touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\n' +
      '    State:          Running\n' +
      '      Started:      Wed, 01 May 2024 11:59:50 +0000\n' +
      '    Last State:     Terminated\n' +
      '      Reason:       Error\n' +
      '      Exit Code:    137\n' +
      '      Started:      Wed, 01 May 2024 11:59:02 +0000\n' +
      '      Finished:     Wed, 01 May 2024 11:59:48 +0000\n' +
      '    Ready:          False\n' +
      '    Restart Count:  1\n' +
      '    Liveness:       exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3\n' +
      '    Readiness:      http-get http://:8080/readiness delay=5s timeout=1s period=5s #success=1 #failure=3\n' +
      '    Startup:        tcp-socket :8080 delay=0s timeout=1s period=10s #success=1 #failure=30\n' +
      '    Environment:\n' +
      '      MODE:      demo\n' +
      '      POD_NAME:  liveness-exec (v1:metadata.name)\n' +
      '    Mounts:      <none>\n' +
      'Conditions:\n' +
      '  Type              Status\n' +
      '  Initialized       True \n' +
      '  Ready             False \n' +
      '  ContainersReady   False \n' +
      '  PodScheduled      True \n' +
      'Volumes:            <none>\n' +
      'QoS Class:          BestEffort\n' +
      'Node-Selectors:     <none>\n' +
      'Tolerations:        <none>\n' +
      'Note:               image registry.k8s.io/busybox was used from the local Docker cache\n' +
      'Events:\n' +
      '  Type     Reason     Age                From               Message\n' +
      '  ----     ------     ----               ----               -------\n' +
      '  Normal   Scheduled  60s                default-scheduler  Successfully assigned default/liveness-exec to mini-kube\n' +
      '  Warning  Unhealthy  15s (x3 over 25s)  kubelet            Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory\n' +
      '  Normal   Killing    15s                kubelet            Container liveness failed liveness probe, will be restarted\n' +
      '  Normal   Pulled     11s (x2 over 59s)  kubelet            Container image "registry.k8s.io/busybox" already present on machine\n',
    );
  });

  it('prints "Events:  <none>" in the last block when there are none', () => {
    const out = describePod(livenessPod, [], now);
    expect(out.endsWith('Tolerations:        <none>\nEvents:             <none>\n')).toBe(true);
  });

  it('shows a pod being deleted as Terminating with its grace period', () => {
    const deleting: Pod = {
      ...livenessPod,
      metadata: { ...livenessPod.metadata, deletionTimestamp: '2024-05-01T12:00:30Z', deletionGracePeriodSeconds: 30 },
    };
    // deletionTimestamp is in the future while the pod terminates, so kubectl prints "<invalid>" here too.
    expect(describePod(deleting, [], now)).toContain('Status:                    Terminating (lasts <invalid>)\nTermination Grace Period:  30s\n');
  });

  it('prints multi-line and long annotations on their own lines, and tolerations', () => {
    const annotated: Pod = {
      ...livenessPod,
      metadata: { name: 'a', namespace: 'default', annotations: { 'x/short': 'v', 'x/long': 'y'.repeat(140), 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: { ...livenessPod.spec!, tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists' }] },
    };
    const out = describePod(annotated, [], now);
    expect(out).toContain(`Annotations:      x/long:\n                    ${'y'.repeat(138)}...\n                  x/short: v\n`);
    expect(out).toContain('Tolerations:        op=Exists\n                    node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n');
  });

  it('computes the QoS class from requests and limits', () => {
    const withResources = (resources: object): Pod => ({ ...livenessPod, spec: { ...livenessPod.spec!, containers: [{ ...livenessPod.spec!.containers[0]!, resources }] } });
    expect(describePod(withResources({ limits: { cpu: '500m', memory: '128Mi' } , requests: { cpu: '0.5', memory: '128Mi' } }), [], now)).toContain('QoS Class:          Guaranteed\n');
    expect(describePod(withResources({ requests: { cpu: '100m' } }), [], now)).toContain('QoS Class:          Burstable\n');
  });
});

describe('describeProbe', () => {
  const attrs = 'delay=0s timeout=1s period=10s #success=1 #failure=3';
  it('formats each handler as kubectl does', () => {
    expect(describeProbe({ exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }))
      .toBe(`exec [cat /tmp/healthy] ${attrs}`);
    const d = { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
    expect(describeProbe({ ...d, httpGet: { scheme: 'HTTPS', host: 'example.com', port: 'http', path: '/healthz' } })).toBe(`http-get https://example.com:http/healthz ${attrs}`);
    expect(describeProbe({ ...d, httpGet: { scheme: 'HTTP', port: 8080, path: '/a b?c' } })).toBe(`http-get http://:8080/a%20b%3Fc ${attrs}`);
    expect(describeProbe({ ...d, tcpSocket: { port: 6379 } })).toBe(`tcp-socket :6379 ${attrs}`);
    expect(describeProbe({ ...d, grpc: { port: 9090, service: 'health' } })).toBe(`grpc <pod>:9090 health ${attrs}`);
  });
});

describe('formatRFC1123Z', () => {
  it('prints Go RFC 1123 with a numeric zone', () => {
    expect(new Date(0).getTimezoneOffset()).toBe(0);
    expect(formatRFC1123Z('2024-01-02T03:04:05Z')).toBe('Tue, 02 Jan 2024 03:04:05 +0000');
  });
});

const template = (hash: string, image: string) => ({
  metadata: { labels: { app: 'web', 'pod-template-hash': hash } },
  spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
});

function replicaSet(name: string, created: string, image: string, replicas: number): ReplicaSet {
  const hash = name.split('-')[1]!;
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: name, creationTimestamp: created, labels: { app: 'web', 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }],
    },
    spec: { replicas, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: template(hash, image) },
    status: { replicas, readyReplicas: replicas },
  };
}

const current = replicaSet('web-5d59d67564', '2024-05-01T11:55:00Z', 'nginx:1.25', 3);
const previous = replicaSet('web-7d4b9c8f6d', '2024-05-01T11:50:00Z', 'nginx:1.24', 0);

describe('describeDeployment', () => {
  const dep: Deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd1', creationTimestamp: '2024-05-01T11:50:00Z', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    // No strategy and no port protocol: they print as the apiserver defaults them.
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } } },
    status: {
      replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };

  it('prints the page with the old and the new ReplicaSet', () => {
    const unrelated = { ...replicaSet('other-1234', '2024-05-01T11:00:00Z', 'x', 1), metadata: { name: 'other-1234', uid: 'o' } };
    expect(describeDeployment(dep, [current, unrelated, previous], [], now)).toBe(
      'Name:                   web\n' +
      'Namespace:              default\n' +
      'CreationTimestamp:      Wed, 01 May 2024 11:50:00 +0000\n' +
      'Labels:                 app=web\n' +
      'Annotations:            deployment.kubernetes.io/revision: 2\n' +
      'Selector:               app=web\n' +
      'Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n' +
      'StrategyType:           RollingUpdate\n' +
      'MinReadySeconds:        0\n' +
      'RollingUpdateStrategy:  25% max unavailable, 25% max surge\n' +
      'Pod Template:\n' +
      '  Labels:  app=web\n' +
      '  Containers:\n' +
      '   nginx:\n' +
      '    Image:         nginx:1.25\n' +
      '    Port:          80/TCP\n' +
      '    Host Port:     0/TCP\n' +
      '    Environment:   <none>\n' +
      '    Mounts:        <none>\n' +
      '  Volumes:         <none>\n' +
      '  Node-Selectors:  <none>\n' +
      '  Tolerations:     <none>\n' +
      'Conditions:\n' +
      '  Type           Status  Reason\n' +
      '  ----           ------  ------\n' +
      '  Available      True    MinimumReplicasAvailable\n' +
      '  Progressing    True    NewReplicaSetAvailable\n' +
      'OldReplicaSets:  web-7d4b9c8f6d (0/0 replicas created)\n' +
      'NewReplicaSet:   web-5d59d67564 (3/3 replicas created)\n' +
      'Events:          <none>\n',
    );
  });

  it('leaves out the ReplicaSet lines when it has none', () => {
    expect(describeDeployment(dep, [], undefined, now)).not.toContain('ReplicaSet:');
  });
});

describe('describeReplicaSet', () => {
  it('counts the pods it controls by phase', () => {
    const owned = (name: string, phase: string): Pod => ({
      metadata: { name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d59d67564', uid: 'web-5d59d67564', controller: true }] },
      status: { phase },
    });
    const stranger: Pod = { metadata: { name: 'x' }, status: { phase: 'Running' } };
    const pods = [owned('a', 'Running'), owned('b', 'Running'), owned('c', 'Pending'), stranger];
    expect(describeReplicaSet({ ...current, status: { replicas: 3, readyReplicas: 2 } }, pods, [], now)).toBe(
      'Name:           web-5d59d67564\n' +
      'Namespace:      default\n' +
      'Selector:       app=web,pod-template-hash=5d59d67564\n' +
      'Labels:         app=web\n' +
      '                pod-template-hash=5d59d67564\n' +
      'Annotations:    <none>\n' +
      'Controlled By:  Deployment/web\n' +
      'Replicas:       3 current / 3 desired\n' +
      'Pods Status:    2 Running / 1 Waiting / 0 Succeeded / 0 Failed\n' +
      'Pod Template:\n' +
      '  Labels:  app=web\n' +
      '           pod-template-hash=5d59d67564\n' +
      '  Containers:\n' +
      '   nginx:\n' +
      '    Image:         nginx:1.25\n' +
      '    Port:          80/TCP\n' +
      '    Host Port:     0/TCP\n' +
      '    Environment:   <none>\n' +
      '    Mounts:        <none>\n' +
      '  Volumes:         <none>\n' +
      '  Node-Selectors:  <none>\n' +
      '  Tolerations:     <none>\n' +
      'Events:            <none>\n',
    );
  });
});

describe('describeService', () => {
  it('prints ports, node ports and the endpoints of each named port', () => {
    const svc: Service = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'web' }, clusterIP: '10.96.12.7', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 31234 }] },
    };
    const ep: Endpoints = {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' },
      subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
    };
    expect(describeService(svc, ep, [], now)).toBe(
      'Name:                     web\n' +
      'Namespace:                default\n' +
      'Labels:                   <none>\n' +
      'Annotations:              <none>\n' +
      'Selector:                 app=web\n' +
      'Type:                     NodePort\n' +
      'IP Family Policy:         SingleStack\n' +
      'IP Families:              IPv4\n' +
      'IP:                       10.96.12.7\n' +
      'IPs:                      10.96.12.7\n' +
      'Port:                     http  80/TCP\n' +
      'TargetPort:               8080/TCP\n' +
      'NodePort:                 http  31234/TCP\n' +
      'Endpoints:                10.244.0.5:8080,10.244.0.6:8080\n' +
      'Session Affinity:         None\n' +
      'External Traffic Policy:  Cluster\n' +
      'Internal Traffic Policy:  Cluster\n' +
      'Events:                   <none>\n',
    );
  });

  it('shows <unset> for an unnamed port and <none> without endpoints', () => {
    const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: '10.96.0.9', ports: [{ port: 5432, targetPort: 'pg' }] } };
    expect(describeService(svc, undefined, [], now)).toContain(
      // One block up to Events; "Internal Traffic Policy:" (24) + 2 sets the width.
      'Port:                     <unset>  5432/TCP\n' +
      'TargetPort:               pg/TCP\n' +
      'Endpoints:                <none>\n' +
      'Session Affinity:         None\n' +
      'Internal Traffic Policy:  Cluster\n',
    );
  });
});
