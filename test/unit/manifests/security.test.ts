// Settings that hand a container the machine are refused unless the control plane allows them.
import { describe, it, expect } from 'vitest';
import { admit, parseManifests } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';

const ADVICE = 'start the control plane with --allow-privileged if you really mean it';

const deployment = (podSpec: object): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ...podSpec } } },
});

function forbidden(obj: KubeObject): string[] {
  try {
    admit(obj);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(422);
    return ((e as StatusError).details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  }
  throw new Error('accepted');
}

describe('privileged settings', () => {
  // With --allow-privileged, a setting mini-kube applies is admitted; one it does not implement (yet) is
  // refused for that instead (pod-fields.ts): hostNetwork, volumes (hostPath).
  const NOT_IMPLEMENTED = new Set(['hostNetwork', 'hostPath', 'the Docker socket', 'a directory holding the Docker socket']);
  const cases: [string, object, string, string][] = [
    ['privileged', { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] },
      'spec.template.spec.containers[0].securityContext.privileged', 'a container with it controls the whole machine'],
    ['capabilities.add', { containers: [{ name: 'c', image: 'x', securityContext: { capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN'] } } }] },
      'spec.template.spec.containers[0].securityContext.capabilities.add', 'added capabilities (NET_ADMIN, SYS_ADMIN)'],
    ['hostNetwork', { hostNetwork: true }, 'spec.template.spec.hostNetwork', "host's network"],
    ['hostPID', { hostPID: true }, 'spec.template.spec.hostPID', "host's process namespace"],
    ['hostIPC', { hostIPC: true }, 'spec.template.spec.hostIPC', "host's IPC namespace"],
    ['hostPath', { volumes: [{ name: 'v', hostPath: { path: '/home' } }] }, 'spec.template.spec.volumes[0].hostPath', 'a hostPath volume (/home)'],
    ['the Docker socket', { volumes: [{ name: 'v', hostPath: { path: '/run/docker.sock' } }] }, 'spec.template.spec.volumes[0].hostPath', 'mounting the Docker socket (/run/docker.sock)'],
    ['a directory holding the Docker socket', { volumes: [{ name: 'v', hostPath: { path: '/var/run/' } }] }, 'spec.template.spec.volumes[0].hostPath', 'mounting the Docker socket (/var/run/)'],
    ['a hostPort below 1024', { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080, hostPort: 443 }] }] }, 'spec.template.spec.containers[0].ports[0].hostPort', 'host port 443'],
    ['an init container', { initContainers: [{ name: 'i', image: 'x', securityContext: { privileged: true } }] }, 'spec.template.spec.initContainers[0].securityContext.privileged', 'controls the whole machine'],
  ];
  for (const [what, podSpec, field, why] of cases) {
    it(`refuses ${what}, naming the field and why`, () => {
      const [cause, ...rest] = forbidden(deployment(podSpec));
      expect(rest).toEqual([]);
      expect(cause).toContain(`${field}: Forbidden: mini-kube refuses this because `);
      expect(cause).toContain(why);
      expect(cause!.endsWith(ADVICE)).toBe(true);
    });
    if (NOT_IMPLEMENTED.has(what)) {
      it(`refuses ${what} with allowPrivileged as not implemented`, () => {
        expect(() => admit(deployment(podSpec), { allowPrivileged: true })).toThrow('mini-kube does not implement spec.template.spec.');
      });
    } else {
      it(`accepts ${what} with allowPrivileged`, () => {
        expect(admit(deployment(podSpec), { allowPrivileged: true }).object.kind).toBe('Deployment');
      });
    }
  }

  it('accepts what is harmless: high hostPorts, dropped capabilities, privileged: false', () => {
    expect(admit(deployment({
      containers: [{
        name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }],
        securityContext: { privileged: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
      }],
    })).object).toBeTruthy();
  });

  it('parseManifests honours allowPrivileged too', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: nginx:1.25}]\n';
    expect(() => parseManifests(text, 'p.yaml')).toThrow(`p.yaml:5:3: Pod "p" is refused: spec.hostPID: Forbidden: mini-kube refuses this because`);
    expect(parseManifests(text, 'p.yaml', { allowPrivileged: true }).objects).toHaveLength(1);
  });
});
