import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../../src/kube/defaults.js';
import type { Deployment, Pod, Probe, Service } from '../../../src/kube/types.js';
import { defaultDeployment, defaultPod, defaultService } from '../../../src/printers/defaults.js';

// Defaulting has one home (src/kube/defaults.ts); the printers apply the same rules to a copy. Kubernetes
// replaces 0 where 0 means "unset" (probe counts, a Service's targetPort) and keeps it where the field is
// a pointer (replicas, minReadySeconds): the printers once kept every 0.
const probeOf = (p: Pod): Probe => p.spec!.containers[0]!.livenessProbe!;

describe('defaulting of 0', () => {
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'x', livenessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 0, periodSeconds: 0, successThreshold: 0, failureThreshold: 0 } }] },
  };

  it.each([
    ['the apiserver (admission)', (p: Pod) => applyDefaults(p) as Pod],
    ['the printers', defaultPod],
  ])('probe counts of 0 become the defaults in %s', (_who, apply) => {
    expect(probeOf(apply(structuredClone(pod)))).toMatchObject({ timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  });

  it('a targetPort of 0 becomes the port, in the printers as in admission', () => {
    const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 0 }] } };
    expect(defaultService(svc).spec!.ports![0]!.targetPort).toBe(80);
    expect((applyDefaults(svc) as Service).spec!.ports![0]!.targetPort).toBe(80);
  });

  it('replicas: 0 and minReadySeconds: 0 stay 0; missing ones get the defaults', () => {
    const d = (replicas?: number): Deployment => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
      spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { a: 'b' } }, template: {} },
    });
    expect(defaultDeployment(d(0)).spec).toMatchObject({ replicas: 0, minReadySeconds: 0 });
    expect((applyDefaults(d(0)) as Deployment).spec!.replicas).toBe(0);
    expect(defaultDeployment(d()).spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
  });
});
