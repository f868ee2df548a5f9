// Which engine instance `logs --previous` reads, from the kubelet's listing (newest first), never from
// the pod status's lastState (a client may write that).
import { describe, expect, it } from 'vitest';
import { previousInstance } from '../../../src/api/streaming/pod-containers.js';
import type { ContainerInfo } from '../../../src/runtime/runtime.js';

const inst = (id: string, running: boolean, finishedAt?: string): ContainerInfo => ({
  id, name: id, image: 'i', labels: {}, status: running ? 'running' : 'exited', running, exitCode: running ? 0 : 1,
  oomKilled: false, error: '', publishedPorts: {}, ...(finishedAt ? { finishedAt } : {}),
});

describe('previousInstance', () => {
  it.each([
    ['no instance at all', [], undefined],
    ['one running instance: none before it', [inst('a', true)], undefined],
    ['running, with an exited one before it', [inst('b', true), inst('a', false, 't')], 'a'],
    ['crash loop, two exited: the one before the newest', [inst('b', false, 't2'), inst('a', false, 't1')], 'a'],
    ['crash loop, the first instance exited: that one (lastState)', [inst('a', false, 't1')], 'a'],
    ['created, never started: nothing ran before', [inst('a', false)], undefined],
  ])('%s', (_what, instances, id) => {
    expect(previousInstance(instances)?.id).toBe(id);
  });
});
