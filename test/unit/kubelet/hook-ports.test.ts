// In the published-ports mode the sandbox publishes the ports the pod's httpGet hooks dial on the pod
// itself (named or numbered; not those with a host of their own), as it does the probes' ports.
import { describe, expect, it } from 'vitest';
import { hookPortsToPublish } from '../../../src/kubelet/lifecycle-hooks.js';
import { sandboxPorts } from '../../../src/kubelet/pod-sandbox.js';
import type { Pod } from '../../../src/kube/types.js';

const pod: Pod = {
  metadata: { name: 'p', namespace: 'default', uid: 'u' },
  spec: {
    initContainers: [{ name: 'side', image: 'i', restartPolicy: 'Always', lifecycle: { preStop: { httpGet: { port: 9001 } } } }],
    containers: [{
      name: 'app', image: 'i', ports: [{ name: 'web', containerPort: 8080 }],
      lifecycle: { postStart: { httpGet: { port: 'web', path: '/' } }, preStop: { httpGet: { port: 7000, host: '10.9.9.9' } } },
    }],
  },
};

describe('hook ports in the published-ports mode', () => {
  it('hookPortsToPublish: the pod\'s own ports, resolved; not a hook with a host', () => {
    expect(hookPortsToPublish(pod.spec!.containers[0]!)).toEqual([8080]);
    expect(hookPortsToPublish(pod.spec!.initContainers![0]!)).toEqual([9001]);
  });

  it('the sandbox publishes them only in that mode', () => {
    expect(sandboxPorts(pod, true).map((p) => p.containerPort)).toEqual([8080, 9001]);
    expect(sandboxPorts(pod, false).map((p) => p.containerPort)).toEqual([8080]);
  });
});
