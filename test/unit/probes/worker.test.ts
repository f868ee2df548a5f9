// The prober worker loop and manager (k8s-semantics §2) with a fake exec and fake timers: 1 s periods
// pass in microseconds of real time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeKubelet, execProbe } from './fake-kubelet.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const tick = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};
/** exec call times relative to T0 */
const times = (calls: { at: number }[]): number[] => calls.map((c) => c.at - T0);

let fk: FakeKubelet | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  fk?.manager.stop();
  fk = undefined;
  vi.useRealTimers();
});

describe('results and initial values', () => {
  it('publishes the initial values for a new container, then readiness runs right after startup succeeds', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{
      name: 'app',
      livenessProbe: execProbe('liveness'),
      readinessProbe: execProbe('readiness', { periodSeconds: 30 }),
      startupProbe: execProbe('startup'),
    }]);
    fk.run('p', 'app', 'c1');
    await tick(0);
    expect(fk.updates.map((u) => `${u.type}:${u.result}`)).toEqual([
      'liveness:success', 'readiness:failure', 'startup:unknown', 'startup:success', 'readiness:success',
    ]);
    // readiness period is 30 s, yet it ran at once, triggered by the startup success
    expect(times(fk.callsOf('readiness'))).toEqual([0]);
    // liveness waits for its own next tick
    expect(fk.callsOf('liveness')).toHaveLength(0);
    await tick(1000);
    expect(times(fk.callsOf('liveness'))).toEqual([1000]);
    expect(fk.updates[0]).toMatchObject({ podUid: 'p', containerName: 'app', containerId: 'c1' });
  });

  it('publishes only changes', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness') }]);
    fk.run('p', 'app', 'c1');
    await tick(5000);
    expect(fk.callsOf('readiness')).toHaveLength(6);
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure', 'c1:success']);
    fk.set('c1', 'readiness', 'fail');
    await tick(3000);
    fk.set('c1', 'readiness', 'ok');
    await tick(3000);
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure', 'c1:success', 'c1:failure', 'c1:success']);
  });
});

describe('thresholds', () => {
  it('liveness: failureThreshold consecutive failures, an Unhealthy event on every one, then on hold', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness', { failureThreshold: 3 }) }]);
    fk.set('c1', 'liveness', 'fail');
    fk.run('p', 'app', 'c1');
    await tick(0);
    await tick(1000);
    expect(fk.updatesOf('liveness')).toEqual(['c1:success']);
    expect(fk.manager.livenessFailed('p', 'app', 'docker://c1')).toBe(false);
    await tick(1000);
    expect(fk.updatesOf('liveness')).toEqual(['c1:success', 'c1:failure']);
    expect(fk.manager.livenessFailed('p', 'app', 'c1')).toBe(true);
    expect(fk.events.map((e) => `${e.type} ${e.reason} ${e.message}`)).toEqual(
      Array(3).fill('Warning Unhealthy Liveness probe failed: live failed\n'),
    );
    // on hold: no exec into the container being killed
    await tick(10_000);
    expect(times(fk.callsOf('liveness'))).toEqual([0, 1000, 2000]);
  });

  it('readiness: successThreshold consecutive successes to become ready, failureThreshold to become unready', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness', { successThreshold: 2, failureThreshold: 2 }) }]);
    fk.run('p', 'app', 'c1');
    await tick(0);
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure']);
    await tick(1000);
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure', 'c1:success']);
    fk.set('c1', 'readiness', 'fail');
    await tick(1000);
    expect(fk.updatesOf('readiness')).toHaveLength(2); // one failure is below the threshold
    fk.set('c1', 'readiness', 'ok');
    await tick(1000); // the run of failures is broken
    fk.set('c1', 'readiness', 'fail');
    await tick(1000);
    expect(fk.updatesOf('readiness')).toHaveLength(2);
    await tick(1000);
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure', 'c1:success', 'c1:failure']);
  });

  it('an error is retried 3 times, reported as unknown, and neither counted nor breaking the run', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness', { failureThreshold: 2 }) }]);
    fk.set('c1', 'liveness', 'fail');
    fk.run('p', 'app', 'c1');
    await tick(0); // failure 1
    fk.set('c1', 'liveness', 'error');
    await tick(1000); // errored: 3 attempts, discarded
    expect(times(fk.callsOf('liveness'))).toEqual([0, 1000, 1000, 1000]);
    expect(fk.events.at(-1)?.message).toBe('Liveness probe errored and resulted in unknown state: container not found');
    expect(fk.updatesOf('liveness')).toEqual(['c1:success']);
    fk.set('c1', 'liveness', 'fail');
    await tick(1000); // failure 2: the threshold is reached
    expect(fk.updatesOf('liveness')).toEqual(['c1:success', 'c1:failure']);
  });

  it('an exec timeout is a failure naming the command', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness') }]);
    fk.set('c1', 'readiness', 'timeout');
    fk.run('p', 'app', 'c1');
    await tick(0);
    expect(fk.events.map((e) => e.message)).toEqual(['Readiness probe failed: command "ready" timed out']);
  });
});

describe('initial delay', () => {
  it('counts whole seconds since the container started, truncated', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness', { initialDelaySeconds: 2 }) }]);
    fk.run('p', 'app', 'c1', 1999); // 1.999 s: truncated to 1, below 2
    await tick(0);
    expect(fk.callsOf('liveness')).toHaveLength(0);
    await tick(1000);
    expect(times(fk.callsOf('liveness'))).toEqual([1000]);
  });

  it('is measured from startedAt, not from when the worker started', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness', { initialDelaySeconds: 3 }) }]);
    fk.run('p', 'app', 'c1', 5000);
    await tick(0);
    expect(times(fk.callsOf('liveness'))).toEqual([0]);
  });

  it('still applies to liveness/readiness after startup, counted from the container start', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{
      name: 'app',
      startupProbe: execProbe('startup'),
      readinessProbe: execProbe('readiness', { initialDelaySeconds: 3, periodSeconds: 30 }),
    }]);
    fk.run('p', 'app', 'c1');
    await tick(0); // startup succeeds at once; readiness is triggered but its delay has not passed
    expect(fk.updatesOf('startup')).toEqual(['c1:unknown', 'c1:success']);
    expect(fk.callsOf('readiness')).toHaveLength(0);
    await tick(3000);
    // the kubelet's status sync triggers readiness again (not ready): now past 3 s since the start
    fk.syncStatus('p');
    await tick(0);
    expect(times(fk.callsOf('readiness'))).toEqual([3000]);
  });
});

describe('startup gating', () => {
  it('liveness and readiness do not run until startup succeeds; readiness then runs at once', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{
      name: 'app',
      startupProbe: execProbe('startup', { failureThreshold: 10 }),
      livenessProbe: execProbe('liveness'),
      readinessProbe: execProbe('readiness', { periodSeconds: 30 }),
    }]);
    fk.set('c1', 'startup', 'fail');
    fk.run('p', 'app', 'c1');
    await tick(2000);
    expect(fk.callsOf('startup')).toHaveLength(3);
    expect(fk.callsOf('liveness')).toHaveLength(0);
    expect(fk.callsOf('readiness')).toHaveLength(0);
    expect(fk.manager.isStarted('p', 'app', 'c1')).toBe(false);
    fk.set('c1', 'startup', 'ok');
    await tick(1000);
    expect(fk.manager.isStarted('p', 'app', 'c1')).toBe(true);
    expect(times(fk.callsOf('readiness'))).toEqual([3000]);
    await tick(1000);
    expect(times(fk.callsOf('liveness'))).toEqual([4000]);
    // a decided startup probe is on hold: it runs no more for this container
    await tick(5000);
    expect(fk.callsOf('startup')).toHaveLength(4);
    expect(fk.events.filter((e) => e.reason === 'Unhealthy')).toHaveLength(3);
  });

  it('startup failing its threshold: failure, then on hold until a new container', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', startupProbe: execProbe('startup', { failureThreshold: 2 }) }]);
    fk.set('c1', 'startup', 'fail');
    fk.run('p', 'app', 'c1');
    await tick(1000);
    expect(fk.updatesOf('startup')).toEqual(['c1:unknown', 'c1:failure']);
    expect(fk.manager.startupFailed('p', 'app', 'c1')).toBe(true);
    await tick(5000);
    expect(fk.callsOf('startup')).toHaveLength(2);
    fk.run('p', 'app', 'c2'); // the kubelet killed and restarted it
    await tick(1000);
    expect(fk.updatesOf('startup')).toEqual(['c1:unknown', 'c1:failure', 'c2:unknown', 'c2:success']);
    expect(fk.manager.startupFailed('p', 'app', 'c1')).toBe(false); // old ID forgotten
  });
});

describe('on hold and restarts', () => {
  it('after a liveness failure the worker waits for a new container ID, which starts from the initial values', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness', { failureThreshold: 1 }), readinessProbe: execProbe('readiness') }]);
    fk.set('c1', 'liveness', 'fail');
    fk.run('p', 'app', 'c1');
    await tick(0);
    expect(fk.updatesOf('liveness')).toEqual(['c1:success', 'c1:failure']);
    await tick(3000);
    expect(fk.callsOf('liveness')).toHaveLength(1);
    fk.run('p', 'app', 'c2');
    await tick(1000);
    expect(fk.updatesOf('liveness')).toEqual(['c1:success', 'c1:failure', 'c2:success']);
    expect(times(fk.callsOf('liveness', 'c2'))).toEqual([4000]);
    // readiness of the new container starts not ready again
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure', 'c1:success', 'c2:failure', 'c2:success']);
    expect(fk.manager.getResult('liveness', 'c1')).toBeUndefined();
  });

  it('a container that is not running reads failure; the worker stays unless terminated under restartPolicy Never', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness') }], 'OnFailure');
    fk.run('p', 'app', 'c1');
    await tick(0);
    fk.terminate('p', 'app');
    await tick(1000);
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure', 'c1:success', 'c1:failure']);
    expect(fk.manager.hasWorker('p', 'app', 'readiness')).toBe(true);

    fk.addPod('q', [{ name: 'app', readinessProbe: execProbe('readiness') }], 'Never');
    fk.run('q', 'app', 'd1');
    await tick(1000);
    fk.terminate('q', 'app', 0);
    await tick(1000);
    expect(fk.manager.hasWorker('q', 'app', 'readiness')).toBe(false);
    expect(fk.manager.getResult('readiness', 'd1')).toBeUndefined(); // the exiting worker cleans up
  });

  it('a terminal pod phase ends the worker', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness') }]);
    fk.run('p', 'app', 'c1');
    await tick(0);
    const status = fk.pod('p').status;
    if (status) status.phase = 'Succeeded';
    await tick(1000);
    expect(fk.manager.hasWorker('p', 'app', 'liveness')).toBe(false);
    await tick(3000);
    expect(fk.callsOf('liveness')).toHaveLength(1);
  });

  it('does nothing before the pod has a status or the container an ID', async () => {
    fk = new FakeKubelet();
    const pod = fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness') }]);
    delete pod.status;
    await tick(2000);
    pod.status = { phase: 'Pending', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
    await tick(2000);
    expect(fk.calls).toHaveLength(0);
    expect(fk.updates).toHaveLength(0);
    fk.run('p', 'app', 'c1');
    await tick(1000);
    expect(fk.callsOf('liveness')).toHaveLength(1);
  });
});

describe('deletion', () => {
  it('liveness and startup report success and exit; readiness keeps probing', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{
      name: 'app',
      livenessProbe: execProbe('liveness', { failureThreshold: 3 }),
      readinessProbe: execProbe('readiness'),
      startupProbe: execProbe('startup', { failureThreshold: 5 }),
    }]);
    fk.set('c1', 'startup', 'fail');
    fk.run('p', 'app', 'c1');
    await tick(1000);
    const meta = fk.pod('p').metadata;
    if (meta) meta.deletionTimestamp = new Date().toISOString();
    await tick(1000);
    expect(fk.manager.hasWorker('p', 'app', 'startup')).toBe(false);
    expect(fk.manager.hasWorker('p', 'app', 'liveness')).toBe(false);
    // the exit took the results with it; the success was set first (a quiet shutdown)
    expect(fk.updatesOf('startup')).toEqual(['c1:unknown', 'c1:success']);
    // readiness keeps going during termination
    fk.set('c1', 'startup', 'ok');
    fk.run('p', 'app', 'c1');
    fk.syncStatus('p');
    await tick(3000);
    expect(fk.manager.hasWorker('p', 'app', 'readiness')).toBe(true);
    expect(fk.callsOf('readiness').length).toBeGreaterThanOrEqual(3);
  });

  it('removePod stops the workers and discards the result of a probe in flight', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness') }]);
    fk.set('c1', 'readiness', { delayMs: 500, then: 'ok' });
    fk.run('p', 'app', 'c1');
    await tick(100);
    fk.manager.removePod('p');
    await tick(5000);
    expect(fk.updatesOf('readiness')).toEqual(['c1:failure']);
    expect(fk.callsOf('readiness')).toHaveLength(1);
    expect(fk.manager.hasWorker('p', 'app', 'readiness')).toBe(false);
  });

  it('stopLivenessAndStartup leaves readiness running', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness'), readinessProbe: execProbe('readiness') }]);
    fk.run('p', 'app', 'c1');
    await tick(0);
    fk.manager.stopLivenessAndStartup('p');
    await tick(2000);
    expect(fk.callsOf('liveness')).toHaveLength(1);
    expect(fk.callsOf('readiness')).toHaveLength(3);
  });
});

describe('scheduling', () => {
  it('jitters the first probe only within one period of the manager start', async () => {
    fk = new FakeKubelet({ random: () => 0.5 });
    fk.addPod('early', [{ name: 'app', livenessProbe: execProbe('liveness', { periodSeconds: 10 }) }]);
    fk.run('early', 'app', 'e1');
    await tick(4999);
    expect(fk.callsOf('liveness', 'e1')).toHaveLength(0);
    await tick(1);
    expect(times(fk.callsOf('liveness', 'e1'))).toEqual([5000]);

    await tick(20_000); // now 25 s after the manager started
    fk.addPod('late', [{ name: 'app', livenessProbe: execProbe('liveness', { periodSeconds: 10 }) }]);
    fk.run('late', 'app', 'l1');
    await tick(0);
    expect(times(fk.callsOf('liveness', 'l1'))).toEqual([25_000]);

    // a 60 s period is longer than the 25 s since the start: jittered again (0.5 × 60 s)
    fk.addPod('slow', [{ name: 'app', livenessProbe: execProbe('liveness', { periodSeconds: 60 }) }]);
    fk.run('slow', 'app', 's1');
    await tick(30_000);
    expect(times(fk.callsOf('liveness', 's1'))).toEqual([55_000]);
  });

  it('a slow probe delays no other worker, and keeps one pending tick for itself', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [
      { name: 'slow', readinessProbe: execProbe('readiness') },
      { name: 'fast', livenessProbe: execProbe('liveness') },
    ]);
    fk.set('s1', 'readiness', { delayMs: 3500, then: 'ok' });
    fk.run('p', 'slow', 's1');
    fk.run('p', 'fast', 'f1');
    await tick(5000);
    expect(times(fk.callsOf('liveness'))).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    // ticks at 1, 2, 3 s fold into one run when the first probe ends at 3.5 s
    expect(times(fk.callsOf('readiness'))).toEqual([0, 3500]);
    await tick(2000);
    expect(times(fk.callsOf('readiness'))).toEqual([0, 3500, 7000]);
  });

  it('a manual trigger runs at once and resets the ticker', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness', { periodSeconds: 10 }) }]);
    fk.set('c1', 'readiness', 'fail');
    fk.run('p', 'app', 'c1');
    await tick(4000);
    expect(fk.manager.isReady('p', 'app', 'c1')).toBe(false); // not ready: triggers a run
    await tick(0);
    expect(times(fk.callsOf('readiness'))).toEqual([0, 4000]);
    await tick(9999);
    expect(fk.callsOf('readiness')).toHaveLength(2);
    await tick(1);
    expect(times(fk.callsOf('readiness'))).toEqual([0, 4000, 14_000]);
  });
});

describe('manual trigger during a probe', () => {
  it('waits for the probe in flight, then runs and resets the ticker from there', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness', { periodSeconds: 10 }) }]);
    fk.set('c1', 'readiness', { delayMs: 2000, then: 'fail' });
    fk.run('p', 'app', 'c1');
    await tick(1000);
    fk.manager.triggerReadiness('p', 'app');
    fk.manager.triggerReadiness('p', 'app'); // the trigger holds one; more are dropped
    await tick(1000);
    expect(times(fk.callsOf('readiness'))).toEqual([0, 2000]);
    await tick(9999);
    expect(fk.callsOf('readiness')).toHaveLength(2);
    await tick(1);
    expect(times(fk.callsOf('readiness'))).toEqual([0, 2000, 12_000]);
  });
});

describe('status for the kubelet', () => {
  it('updatePodStatus writes started and ready like UpdatePodStatus', async () => {
    fk = new FakeKubelet();
    fk.addPod('p', [
      { name: 'plain' },
      { name: 'gated', startupProbe: execProbe('startup'), readinessProbe: execProbe('readiness', { periodSeconds: 30 }) },
    ]);
    fk.set('g1', 'startup', 'fail');
    fk.run('p', 'plain', 'x1');
    fk.run('p', 'gated', 'g1');
    fk.syncStatus('p');
    const statusOf = (name: string) => fk?.pod('p').status?.containerStatuses?.find((s) => s.name === name);
    expect(statusOf('plain')).toMatchObject({ started: true, ready: true }); // no probes: ready once running
    expect(statusOf('gated')).toMatchObject({ started: false, ready: false });
    fk.set('g1', 'startup', 'ok');
    await tick(1000);
    fk.syncStatus('p');
    expect(statusOf('gated')).toMatchObject({ started: true, ready: true });
    fk.terminate('p', 'plain');
    fk.syncStatus('p');
    expect(statusOf('plain')).toMatchObject({ started: false, ready: false });
  });

  it('a container without a readiness probe is ready; with one, not until it succeeds', () => {
    fk = new FakeKubelet();
    fk.addPod('p', [{ name: 'a' }, { name: 'b', readinessProbe: execProbe('readiness') }]);
    expect(fk.manager.isReady('p', 'a', 'docker://x')).toBe(true);
    expect(fk.manager.isReady('p', 'b', 'docker://y')).toBe(false);
    expect(fk.manager.isStarted('p', 'b', 'docker://y')).toBe(true);
  });

  it('addPod is idempotent and probes restartable init containers (sidecars) too', async () => {
    fk = new FakeKubelet();
    const pod = fk.addPod('p', [{ name: 'app', livenessProbe: execProbe('liveness') }]);
    fk.manager.addPod(pod);
    if (pod.spec) pod.spec.initContainers = [{ name: 'side', restartPolicy: 'Always', readinessProbe: execProbe('readiness') }, { name: 'init', readinessProbe: execProbe('readiness') }];
    fk.manager.addPod(pod);
    expect(fk.manager.hasWorker('p', 'side', 'readiness')).toBe(true);
    expect(fk.manager.hasWorker('p', 'init', 'readiness')).toBe(false);
    fk.run('p', 'app', 'c1');
    await tick(0);
    expect(fk.callsOf('liveness')).toHaveLength(1);
  });

  it('an exception in the kubelet callback does not stop the worker', async () => {
    let n = 0;
    fk = new FakeKubelet({ onUpdate: () => { n++; throw new Error('kubelet bug'); } });
    fk.addPod('p', [{ name: 'app', readinessProbe: execProbe('readiness') }]);
    fk.run('p', 'app', 'c1');
    await tick(2000);
    expect(n).toBe(2);
    expect(fk.errors).toHaveLength(2);
    expect(fk.callsOf('readiness')).toHaveLength(3);
  });
});
