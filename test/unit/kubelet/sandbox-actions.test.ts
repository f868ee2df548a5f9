// The sandbox half of the kubelet's decisions as a table (computePodActions' podSandboxChanged rows): the
// sandbox instances and the app instances the engine has → the sandbox to make, what to kill and remove.
import { describe, expect, it } from 'vitest';
import { computeSandboxActions, isSandbox, SANDBOX_KEY } from '../../../src/kubelet/sandbox-actions.js';
import { groupByContainer } from '../../../src/kubelet/container-names.js';
import type { Pod } from '../../../src/kube/types.js';
import { LABEL_ATTEMPT, LABEL_CONTAINER, LABEL_SANDBOX, type ContainerInfo } from '../../../src/runtime/runtime.js';

type State = 'running' | 'exited' | 'created';

function pod(restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always'): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { restartPolicy, containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i' }] } };
}

function info(id: string, labels: Record<string, string>, state: State): ContainerInfo {
  return {
    id, name: id, image: 'i', labels, status: state, running: state === 'running', exitCode: state === 'exited' ? 137 : 0,
    oomKilled: false, error: '', publishedPorts: {}, ...(state === 'exited' ? { finishedAt: '2026-01-01T00:00:00Z' } : {}),
  };
}
const sandbox = (attempt: number, state: State): ContainerInfo => info(`sb${attempt}`, { [LABEL_SANDBOX]: 'true', [LABEL_ATTEMPT]: String(attempt) }, state);
const app = (name: string, state: State): ContainerInfo => info(`${name}-${state}`, { [LABEL_CONTAINER]: name, [LABEL_ATTEMPT]: '0' }, state);

function decide(p: Pod, sandboxes: ContainerInfo[], apps: ContainerInfo[]) {
  return computeSandboxActions({ pod: p, sandboxes, apps: groupByContainer(apps) });
}

describe('computeSandboxActions', () => {
  it('a new pod: the first sandbox (attempt 0), no SandboxChanged, nothing killed', () => {
    expect(decide(pod(), [], [])).toEqual({ create: { attempt: 0 }, changed: false, kill: [], restartKilled: true, remove: [] });
  });

  it('a running sandbox is kept and joined, whatever its containers do', () => {
    const running = sandbox(2, 'running');
    const out = decide(pod(), [running, sandbox(1, 'exited')], [app('a', 'exited'), app('b', 'running')]);
    expect(out).toEqual({ running, changed: false, kill: [], restartKilled: false, remove: [] });
  });

  it('a dead sandbox: SandboxChanged, its running containers killed to restart, the dead removed, the next attempt made', () => {
    const dead = sandbox(0, 'exited');
    const out = decide(pod(), [dead], [app('a', 'running'), app('b', 'exited'), app('b', 'created')]);
    expect(out.changed).toBe(true);
    expect(out.create).toEqual({ attempt: 1 });
    expect(out.kill.map((c) => c.id)).toEqual(['a-running']);
    expect(out.restartKilled).toBe(true);
    // a created instance joined the dead namespace: it could never start
    expect(out.remove.map((c) => c.id)).toEqual(['sb0', 'b-created']);
    expect(out.running).toBeUndefined();
  });

  it('a sandbox created but never started counts as dead (it is replaced)', () => {
    expect(decide(pod(), [sandbox(3, 'created')], [])).toMatchObject({ create: { attempt: 4 }, changed: true });
  });

  it('a sandbox removed behind our back while containers run: they are killed, a sandbox made without SandboxChanged', () => {
    const out = decide(pod(), [], [app('a', 'running')]);
    expect(out).toMatchObject({ create: { attempt: 0 }, changed: false, restartKilled: true });
    expect(out.kill.map((c) => c.id)).toEqual(['a-running']);
  });

  it('OnFailure: a dead sandbox is re-created as with Always', () => {
    expect(decide(pod('OnFailure'), [sandbox(0, 'exited')], [app('a', 'running')])).toMatchObject({ create: { attempt: 1 }, restartKilled: true });
  });

  it('Never: a pod whose containers ran gets no second sandbox; its running containers are killed, not restarted', () => {
    const out = decide(pod('Never'), [sandbox(0, 'exited')], [app('a', 'running')]);
    expect(out.create).toBeUndefined();
    expect(out.changed).toBe(true);
    expect(out.restartKilled).toBe(false);
    expect(out.kill.map((c) => c.id)).toEqual(['a-running']);
  });

  it('Never: the first sandbox is made as for any pod', () => {
    expect(decide(pod('Never'), [], []).create).toEqual({ attempt: 0 });
  });

  it('sandboxes are told by their label, and filed under the key no container name can be', () => {
    const grouped = groupByContainer([sandbox(0, 'running'), app('a', 'running')]);
    expect(grouped.get(SANDBOX_KEY)?.map((c) => c.id)).toEqual(['sb0']);
    expect(isSandbox(sandbox(0, 'running'))).toBe(true);
    expect(isSandbox(app('a', 'running'))).toBe(false);
  });
});
