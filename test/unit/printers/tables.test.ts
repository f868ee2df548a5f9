// Server-side Tables (printers.go columns and cells) and how kubectl prints them (tableprinter.go).
// Layouts are kubectl's: each column is its widest cell plus 3 spaces, at least 6.
import { describe, expect, it } from 'vitest';
import type { Deployment, Endpoints, Event, Namespace, Pod, ReplicaSet, Service } from '../../../src/kube/types.js';
import { printTable } from '../../../src/printers/tabwriter.js';
import { COLUMNS, tableFor } from '../../../src/printers/tables.js';

const now = new Date('2024-05-01T12:00:00Z');

const webPod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-7d4b9c-x2x9z', namespace: 'default', creationTimestamp: '2024-05-01T11:55:00Z', labels: { app: 'web', 'pod-template-hash': '7d4b9c' } },
  spec: { nodeName: 'mini-kube', containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
  status: {
    phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }],
    containerStatuses: [{ name: 'nginx', image: 'nginx:1.25', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2024-05-01T11:55:02Z' } } }],
  },
};

const livenessPod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'liveness-exec', namespace: 'default', creationTimestamp: '2024-05-01T11:57:50Z', labels: { test: 'liveness' } },
  spec: { nodeName: 'mini-kube', containers: [{ name: 'liveness', image: 'busybox' }] },
  status: {
    phase: 'Running', podIP: '10.244.0.6', podIPs: [{ ip: '10.244.0.6' }],
    containerStatuses: [{
      name: 'liveness', image: 'busybox', imageID: '', ready: false, restartCount: 3,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: '2024-05-01T11:59:18Z' } },
    }],
  },
};

describe('Pod table', () => {
  const table = tableFor('Pod', [webPod, livenessPod], now);

  it('has the real columns, wide ones at priority 1, Name as format "name"', () => {
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0],
      ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1],
    ]);
    expect(table.columnDefinitions[0]!.format).toBe('name');
  });

  it('fills every cell, wide ones included, as the server does', () => {
    expect(table.rows[1]!.cells).toEqual(['liveness-exec', '0/1', 'CrashLoopBackOff', '3 (42s ago)', '2m10s', '10.244.0.6', 'mini-kube', '<none>', '<none>']);
    expect(table.rows[0]!.object).toBe(webPod);
  });

  it('prints like `kubectl get pods`', () => {
    expect(printTable(table, { wide: false })).toBe(
      'NAME               READY   STATUS             RESTARTS      AGE\n' +
      'web-7d4b9c-x2x9z   1/1     Running            0             5m\n' +
      'liveness-exec      0/1     CrashLoopBackOff   3 (42s ago)   2m10s\n',
    );
  });

  it('prints like `kubectl get pods -o wide`', () => {
    expect(printTable(table, { wide: true })).toBe(
      'NAME               READY   STATUS             RESTARTS      AGE     IP           NODE        NOMINATED NODE   READINESS GATES\n' +
      'web-7d4b9c-x2x9z   1/1     Running            0             5m      10.244.0.5   mini-kube   <none>           <none>\n' +
      'liveness-exec      0/1     CrashLoopBackOff   3 (42s ago)   2m10s   10.244.0.6   mini-kube   <none>           <none>\n',
    );
  });

  it('prints like `kubectl get pods -A --show-labels` with names prefixed by kind', () => {
    expect(printTable(table, { wide: false, namespaceColumn: true, showLabels: true, kindPrefix: 'pod' })).toBe(
      'NAMESPACE   NAME                   READY   STATUS             RESTARTS      AGE     LABELS\n' +
      'default     pod/web-7d4b9c-x2x9z   1/1     Running            0             5m      app=web,pod-template-hash=7d4b9c\n' +
      'default     pod/liveness-exec      0/1     CrashLoopBackOff   3 (42s ago)   2m10s   test=liveness\n',
    );
  });

  it('prints rows only with --no-headers, and nothing at all for no rows', () => {
    expect(printTable(tableFor('Pod', [webPod], now), { wide: false, noHeaders: true })).toBe('web-7d4b9c-x2x9z   1/1   Running   0     5m\n');
    expect(printTable(tableFor('Pod', [], now), { wide: false })).toBe('');
  });

  it('marks finished pods with a Completed row condition', () => {
    const done: Pod = { ...webPod, status: { phase: 'Succeeded' } };
    expect(tableFor('Pod', [done], now).rows[0]!.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });

  it('counts true readiness gates', () => {
    const gated: Pod = { ...webPod, spec: { ...webPod.spec!, readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] }, status: { ...webPod.status, conditions: [{ type: 'a', status: 'True' }, { type: 'b', status: 'False' }] } };
    expect(tableFor('Pod', [gated], now).rows[0]!.cells[8]).toBe('1/2');
  });
});

describe('Deployment and ReplicaSet tables', () => {
  const dep: Deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:50:00Z' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
    status: { replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 },
  };

  it('prints like `kubectl get deploy -o wide`', () => {
    expect(printTable(tableFor('Deployment', [dep], now), { wide: true })).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n' +
      'web    3/3     3            3           10m   nginx        nginx:1.25   app=web\n',
    );
  });

  it('shows 0/1 for a deployment without status or replicas', () => {
    const bare: Deployment = { ...dep, spec: { ...dep.spec!, replicas: undefined }, status: undefined };
    expect(tableFor('Deployment', [bare], now).rows[0]!.cells.slice(0, 4)).toEqual(['web', '0/1', 0, 0]);
  });

  it('gives ReplicaSets integer Desired/Current/Ready and a sorted selector', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: 'web-7d4b9c', namespace: 'default', creationTimestamp: '2024-05-01T11:50:00Z' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { 'pod-template-hash': '7d4b9c', app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'front'] }] },
        template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } },
      },
      status: { replicas: 3, readyReplicas: 2 },
    };
    expect(COLUMNS.ReplicaSet.map((c) => c.name)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    expect(tableFor('ReplicaSet', [rs], now).rows[0]!.cells).toEqual([
      'web-7d4b9c', 3, 3, 2, '10m', 'nginx,log', 'nginx:1.25,busybox', 'app=web,pod-template-hash=7d4b9c,tier in (front,web)',
    ]);
  });
});

describe('Service table', () => {
  const svc = (name: string, type: string, clusterIP: string, ports: { port: number; nodePort?: number }[], status?: Service['status']): Service => ({
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: 'default', creationTimestamp: name === 'kubernetes' ? '2024-04-29T12:00:00Z' : '2024-05-01T11:50:00Z' },
    spec: { type, clusterIP, clusterIPs: [clusterIP], ports: ports.map((p) => ({ ...p, protocol: 'TCP' })), ...(name === 'web' ? { selector: { app: 'web' } } : {}) },
    ...(status ? { status } : {}),
  });
  const services = [
    svc('kubernetes', 'ClusterIP', '10.96.0.1', [{ port: 443 }]),
    svc('web', 'NodePort', '10.96.12.7', [{ port: 80, nodePort: 31234 }]),
    svc('lb', 'LoadBalancer', '10.96.40.2', [{ port: 8080, nodePort: 30080 }], { loadBalancer: { ingress: [{ hostname: 'localhost' }] } }),
    svc('pending-lb', 'LoadBalancer', '10.96.40.3', [{ port: 80, nodePort: 30081 }]),
  ];

  it('prints like `kubectl get svc`', () => {
    expect(printTable(tableFor('Service', services, now), { wide: false })).toBe(
      'NAME         TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)          AGE\n' +
      'kubernetes   ClusterIP      10.96.0.1    <none>        443/TCP          2d\n' +
      'web          NodePort       10.96.12.7   <none>        80:31234/TCP     10m\n' +
      'lb           LoadBalancer   10.96.40.2   localhost     8080:30080/TCP   10m\n' +
      'pending-lb   LoadBalancer   10.96.40.3   <pending>     80:30081/TCP     10m\n',
    );
  });

  it('adds the selector with -o wide, <none> without one', () => {
    const rows = tableFor('Service', services, now).rows;
    expect(rows[1]!.cells[6]).toBe('app=web');
    expect(rows[0]!.cells[6]).toBe('<none>');
  });

  it('shows a headless service as None and a portless one as <none>', () => {
    const headless: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None' } };
    expect(tableFor('Service', [headless], now).rows[0]!.cells.slice(1, 5)).toEqual(['ClusterIP', 'None', '<none>', '<none>']);
  });
});

describe('Endpoints table', () => {
  const ep = (name: string, subsets: Endpoints['subsets']): Endpoints =>
    ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, creationTimestamp: '2024-05-01T11:59:00Z' }, ...(subsets ? { subsets } : {}) });

  it('lists three addresses and counts the rest, as kubectl does', () => {
    const subsets = [{ addresses: ['10.244.0.5', '10.244.0.6', '10.244.0.7', '10.244.0.8'].map((ip) => ({ ip })), ports: [{ port: 8080, protocol: 'TCP' }] }];
    expect(tableFor('Endpoints', [ep('web', subsets)], now).rows[0]!.cells).toEqual(['web', '10.244.0.5:8080,10.244.0.6:8080,10.244.0.7:8080 + 1 more...', '60s']);
  });

  it('is <none> without subsets and lists bare IPs without ports', () => {
    expect(tableFor('Endpoints', [ep('empty', undefined)], now).rows[0]!.cells[1]).toBe('<none>');
    expect(tableFor('Endpoints', [ep('headless', [{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] }])], now).rows[0]!.cells[1]).toBe('10.0.0.1,fd00::1');
  });

  it('brackets IPv6 addresses with a port', () => {
    expect(tableFor('Endpoints', [ep('v6', [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }])], now).rows[0]!.cells[1]).toBe('[fd00::1]:80');
  });
});

describe('Event table', () => {
  const ev: Event = {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: 'liveness-exec.17c1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'liveness-exec', namespace: 'default', fieldPath: 'spec.containers{liveness}' },
    type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory\n',
    source: { component: 'kubelet', host: 'mini-kube' },
    firstTimestamp: '2024-05-01T11:59:20Z', lastTimestamp: '2024-05-01T11:59:45Z', count: 3,
  };

  it('has Last Seen, Type, Reason, Object, Message, and the rest only with -o wide', () => {
    expect(COLUMNS.Event.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  });

  it('fills the cells as printEvent does', () => {
    expect(tableFor('Event', [ev], now).rows[0]!.cells).toEqual([
      '15s', 'Warning', 'Unhealthy', 'pod/liveness-exec', 'spec.containers{liveness}', 'kubelet, mini-kube',
      'Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory', '40s', 3, 'liveness-exec.17c1',
    ]);
  });

  it('falls back to the first time and a count of 1 for a singleton', () => {
    const single: Event = { ...ev, lastTimestamp: undefined, count: undefined, source: { component: 'default-scheduler' } };
    const cells = tableFor('Event', [single], now).rows[0]!.cells;
    expect([cells[0], cells[5], cells[8]]).toEqual(['40s', 'default-scheduler', 1]);
  });
});

describe('Namespace table', () => {
  it('shows the phase', () => {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: '2024-04-01T12:00:00Z' }, status: { phase: 'Active' } };
    expect(printTable(tableFor('Namespace', [ns], now), { wide: false })).toBe('NAME      STATUS   AGE\ndefault   Active   30d\n');
  });
});
