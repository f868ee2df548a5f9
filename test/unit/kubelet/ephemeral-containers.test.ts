// Ephemeral containers' statuses once their instances are gone (mini-kube down, a restart): kept ended.
import { describe, expect, it } from 'vitest';
import { keptEphemeralStatuses, pidTargetOf } from '../../../src/kubelet/ephemeral-containers.js';
import type { Pod } from '../../../src/kube/types.js';
import type { ContainerInfo } from '../../../src/runtime/runtime.js';

const status = (name: string, state: object, containerID?: string) => ({ name, image: 'i', imageID: '', restartCount: 0, ready: false, state, ...(containerID ? { containerID } : {}) });

describe('ephemeral containers', () => {
  it('keep those that ran, ended (a running one: ContainerStatusUnknown, 137); forget those that never ran', () => {
    expect(keptEphemeralStatuses([
      status('done', { terminated: { exitCode: 0, reason: 'Completed' } }, 'docker://a'),
      status('live', { running: { startedAt: 't' } }, 'docker://b'),
      status('never', { waiting: { reason: 'ContainerCreating' } }),
    ])).toEqual({
      ephemeralContainerStatuses: [
        status('done', { terminated: { exitCode: 0, reason: 'Completed' } }, 'docker://a'),
        { ...status('live', { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } }, 'docker://b'), started: false },
      ],
    });
    expect(keptEphemeralStatuses(undefined)).toEqual({});
  });

  it('join the running target\'s process namespace, none when the target does not run', () => {
    const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'i' }], ephemeralContainers: [{ name: 'dbg', image: 'i', targetContainerName: 'app' }] } };
    const running = { id: 'app-id', running: true } as ContainerInfo;
    expect(pidTargetOf(pod, { name: 'dbg', image: 'i' }, new Map([['app', [running]]]))).toBe('app-id');
    expect(pidTargetOf(pod, { name: 'dbg', image: 'i' }, new Map([['app', [{ ...running, running: false }]]]))).toBeUndefined();
    expect(pidTargetOf(pod, { name: 'app', image: 'i' }, new Map([['app', [running]]]))).toBeUndefined();
  });
});
