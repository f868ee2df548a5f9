// InvalidImageName: an image string Docker cannot parse is reported as the kubelet reports it, once, and
// never reaches the runtime.
import { describe, expect, it } from 'vitest';
import { ImageManager } from '../../../src/kubelet/images.js';
import type { Pod } from '../../../src/kube/types.js';
import type { Runtime } from '../../../src/runtime/runtime.js';

function recordingRuntime(calls: string[]): Runtime {
  return new Proxy({}, {
    get: (_t, prop) => async (...args: unknown[]) => {
      calls.push(`${String(prop)}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
      return prop === 'imageExists' ? true : { ok: true };
    },
  }) as Runtime;
}

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' } };

describe('ImageManager and invalid image strings', () => {
  it('gives InvalidImageName with the kubelet message and events, without asking the runtime', async () => {
    const calls: string[] = [];
    const images = new ImageManager(recordingRuntime(calls));
    const events: string[] = [];
    const image = 'a/../../127.0.0.1:8080/x';
    for (let i = 0; i < 3; i++) {
      const r = await images.ensure(pod, { name: 'c', image, imagePullPolicy: 'Always' }, (type, reason, message) => events.push(`${type} ${reason} ${message}`));
      expect(r).toEqual({
        ok: false, reason: 'InvalidImageName',
        message: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`,
      });
    }
    expect(calls).toEqual([]);
    // reported once per pod and image, not on every sync
    expect(events).toEqual([
      `Warning InspectFailed Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`,
      'Warning Failed Error: InvalidImageName',
    ]);
  });

  it('asks the runtime about a valid reference as before', async () => {
    const calls: string[] = [];
    const images = new ImageManager(recordingRuntime(calls));
    const r = await images.ensure(pod, { name: 'c', image: 'ondalk8s/healthcheck:v1', imagePullPolicy: 'IfNotPresent' }, () => {});
    expect(r).toEqual({ ok: true });
    expect(calls).toEqual(['imageExists("ondalk8s/healthcheck:v1")']);
  });
});
