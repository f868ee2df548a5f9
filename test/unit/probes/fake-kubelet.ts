// A stand-in for the kubelet around a ProbeManager: pods in a map, a fake exec whose answer per
// (container ID, command) the test sets, and every update, event and exec call recorded with its time.
import type { Container, Pod, Probe } from '../../../src/kube/types.js';
import type { ExecResult, Runtime } from '../../../src/runtime/runtime.js';
import { ProbeManager } from '../../../src/probes/manager.js';
import type { ProbeManagerDeps, ProbeUpdate } from '../../../src/probes/manager.js';

/** What the fake exec answers: exit 0, exit 1 with output, a runtime error, a timeout, or later. */
export type ExecBehaviour =
  | 'ok'
  | 'fail'
  | 'error'
  | 'timeout'
  | { delayMs: number; then: 'ok' | 'fail' };

export interface ExecCall {
  at: number;
  containerId: string;
  cmd: string[];
}

export interface RecordedEvent {
  at: number;
  container: string;
  type: string;
  reason: string;
  message: string;
}

/** Probe command per type, so a test can tell the workers' exec calls apart. */
export const CMD = { liveness: 'live', readiness: 'ready', startup: 'start' } as const;

export function execProbe(type: keyof typeof CMD, fields: Omit<Probe, 'exec'> = {}): Probe {
  return { exec: { command: [CMD[type]] }, periodSeconds: 1, ...fields };
}

export class FakeKubelet {
  readonly pods = new Map<string, Pod>();
  readonly updates: (ProbeUpdate & { at: number })[] = [];
  readonly events: RecordedEvent[] = [];
  readonly calls: ExecCall[] = [];
  readonly errors: unknown[] = [];
  /** key `${containerId}:${cmd}`; default 'ok' */
  readonly behaviour = new Map<string, ExecBehaviour>();
  readonly manager: ProbeManager;

  constructor(deps: Partial<ProbeManagerDeps> = {}) {
    const runtime: Pick<Runtime, 'exec'> = { exec: (id, cmd) => this.exec(id, cmd) };
    this.manager = new ProbeManager({
      runtime,
      getPod: (uid) => this.pods.get(uid),
      onUpdate: (u) => this.updates.push({ ...u, at: Date.now() }),
      recordEvent: (_pod, container, type, reason, message) => this.events.push({ at: Date.now(), container, type, reason, message }),
      random: () => 0,
      onError: (err) => this.errors.push(err),
      ...deps,
    });
  }

  set(containerId: string, type: keyof typeof CMD, b: ExecBehaviour): void {
    this.behaviour.set(`${containerId}:${CMD[type]}`, b);
  }

  callsOf(type: keyof typeof CMD, containerId?: string): ExecCall[] {
    return this.calls.filter((c) => c.cmd[0] === CMD[type] && (containerId === undefined || c.containerId === containerId));
  }

  updatesOf(type: ProbeUpdate['type']): string[] {
    return this.updates.filter((u) => u.type === type).map((u) => `${u.containerId}:${u.result}`);
  }

  private exec(containerId: string, cmd: string[]): Promise<ExecResult> {
    this.calls.push({ at: Date.now(), containerId, cmd });
    const b = this.behaviour.get(`${containerId}:${cmd[0]}`) ?? 'ok';
    const answer = (kind: 'ok' | 'fail'): ExecResult => kind === 'ok'
      ? { exitCode: 0, output: Buffer.from(''), timedOut: false }
      : { exitCode: 1, output: Buffer.from(`${cmd[0]} failed\n`), timedOut: false };
    if (b === 'error') return Promise.reject(new Error('container not found'));
    if (b === 'timeout') return Promise.resolve({ exitCode: -1, output: Buffer.alloc(0), timedOut: true });
    if (typeof b === 'object') return new Promise((resolve) => setTimeout(() => resolve(answer(b.then)), b.delayMs));
    return Promise.resolve(answer(b));
  }

  /** Adds a pod (no container statuses yet) and tells the manager, as SyncPod does. */
  addPod(uid: string, containers: Container[], restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always'): Pod {
    const pod: Pod = {
      metadata: { name: `pod-${uid}`, namespace: 'default', uid },
      spec: { containers, restartPolicy },
      status: { phase: 'Pending', podIP: '10.1.2.3', containerStatuses: [] },
    };
    this.pods.set(uid, pod);
    this.manager.addPod(pod);
    return pod;
  }

  /** The container runs as `containerId`, started `startedAgoMs` ago; `started` as the kubelet writes it. */
  run(uid: string, name: string, containerId: string, startedAgoMs = 0): void {
    const pod = this.pod(uid);
    const others = (pod.status?.containerStatuses ?? []).filter((s) => s.name !== name);
    const id = `docker://${containerId}`;
    const running = { startedAt: new Date(Date.now() - startedAgoMs).toISOString() };
    // `started` as the kubelet computes it, without the readiness trigger a full status sync fires.
    const started = this.manager.isStarted(uid, name, id);
    const status = { name, containerID: id, image: 'img', imageID: '', ready: false, restartCount: 0, started, state: { running } };
    pod.status = { ...pod.status, phase: 'Running', containerStatuses: [...others, status] };
  }

  terminate(uid: string, name: string, exitCode = 1): void {
    const s = this.pod(uid).status?.containerStatuses?.find((c) => c.name === name);
    if (!s) throw new Error(`no status for ${name}`);
    s.state = { terminated: { exitCode, finishedAt: new Date().toISOString() } };
    s.started = false;
    s.ready = false;
  }

  /** What the kubelet does on each status generation (UpdatePodStatus; may trigger readiness). */
  syncStatus(uid: string): void {
    const pod = this.pod(uid);
    this.manager.updatePodStatus(pod);
  }

  pod(uid: string): Pod {
    const p = this.pods.get(uid);
    if (!p) throw new Error(`no pod ${uid}`);
    return p;
  }
}
