// Kubernetes' defaults, visible afterwards in `get -o yaml`.
import { describe, it, expect } from 'vitest';
import { applyDefaults, imageTag, parseManifests } from '../../../src/manifests/index.js';
import type { KubeObject } from '../../../src/store/store.js';
import type { Deployment, Pod, Service } from '../../../src/kube/types.js';

describe('applyDefaults', () => {
  it('fills a Pod as the apiserver does, without touching the input', () => {
    const input: KubeObject = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: {
        containers: [{
          name: 'c', image: 'nginx',
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '500m' } },
          readinessProbe: { httpGet: { port: 80 } },
          livenessProbe: { exec: { command: ['true'] }, periodSeconds: 5 },
          lifecycle: { preStop: { httpGet: { port: 80 } } },
        }],
        volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'x' } }],
      },
    };
    const before = JSON.stringify(input);
    const pod = applyDefaults(input) as Pod;
    expect(JSON.stringify(input)).toBe(before);
    expect(pod.metadata!.namespace).toBe('default');
    const { containers, ...spec } = pod.spec!;
    expect(spec).toEqual({
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'x', defaultMode: 420 } }],
      enableServiceLinks: true,
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
    expect(containers[0]).toEqual({
      name: 'c', image: 'nginx',
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      // requests default to limits for what is not requested (Pods only)
      resources: { limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '500m', memory: '64Mi' } },
      readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      livenessProbe: { exec: { command: ['true'] }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      lifecycle: { preStop: { httpGet: { port: 80, path: '/', scheme: 'HTTP' } } },
    });
  });

  it('gives a Deployment its apps/v1 defaults and defaults the pod template, but not Pod-only fields', () => {
    const d = applyDefaults({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'prod' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } },
    }) as Deployment;
    expect(d.metadata!.namespace).toBe('prod');
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const spec = d.spec!.template.spec!;
    expect(spec.restartPolicy).toBe('Always');
    expect(spec.enableServiceLinks).toBeUndefined();
    expect(spec.containers[0]!.imagePullPolicy).toBe('IfNotPresent');
    expect(spec.containers[0]!.resources).toEqual({});
  });

  it('keeps a Recreate strategy free of rollingUpdate', () => {
    const d = applyDefaults({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { strategy: { type: 'Recreate' } } }) as Deployment;
    expect(d.spec!.strategy).toEqual({ type: 'Recreate' });
  });

  it('gives a Service its defaults', () => {
    const s = applyDefaults({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's' },
      spec: { ports: [{ port: 80 }, { name: 'named', port: 81, targetPort: 'http' }], sessionAffinity: 'ClientIP' },
    }) as Service;
    expect(s.spec).toEqual({
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'named', port: 81, protocol: 'TCP', targetPort: 'http' }],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
    });
    const lb = applyDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } }) as Service;
    expect(lb.spec).toMatchObject({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, sessionAffinity: 'None' });
  });

  it('gives a ReplicaSet replicas and a defaulted template (for the controllers that create them)', () => {
    const rs = applyDefaults({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } });
    expect(rs.spec).toMatchObject({ replicas: 1, template: { spec: { dnsPolicy: 'ClusterFirst', containers: [{ imagePullPolicy: 'Always' }] } } });
  });
});

describe('imagePullPolicy follows the image tag', () => {
  const cases: [string, string, string][] = [
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.25', '1.25', 'IfNotPresent'],
    ['ondalk8s/healthcheck:v1', 'v1', 'IfNotPresent'],
    ['localhost:5000/app', 'latest', 'Always'],
    ['localhost:5000/app:2', '2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef', '', 'IfNotPresent'],
    ['nginx:1.25@sha256:0123456789abcdef', '1.25', 'IfNotPresent'],
  ];
  for (const [image, tag, policy] of cases) {
    it(`${image} → ${policy}`, () => {
      expect(imageTag(image)).toBe(tag);
      const pod = applyDefaults({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image }] } }) as Pod;
      expect(pod.spec!.containers[0]!.imagePullPolicy).toBe(policy);
    });
  }

  it('an explicit policy is kept', () => {
    const { objects } = parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx, imagePullPolicy: Never}]\n', 'p.yaml');
    expect((objects[0]!.object as Pod).spec!.containers[0]!.imagePullPolicy).toBe('Never');
  });
});
