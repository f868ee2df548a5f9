// The Runtime on a Docker engine, through dockerode. Every engine call is bounded in time so a hung or dead
// engine shows up as an error, never as a control plane that waits forever.
import { codeUnitOrder } from '../kube/code-unit-order.js';
import { randomUUID } from 'node:crypto';
import { PassThrough, pipeline, Readable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { toContainerInfo, toRuntimeEvent, LIFECYCLE_ACTIONS } from './container-info.js';
import { toCreateOptions } from './create-options.js';
import { CappedOutput, demuxTransform, StreamDemuxer } from './demux.js';
import { createDockerClient } from './docker-client.js';
import { imagePathSegment, pathSegment, refusedImage } from './engine-paths.js';
import { engineMessage, isNotFound, statusCodeOf } from './engine-errors.js';
import { attachContainer, hasTty, splitOutput } from './engine-attach.js';
import { DockerodeExecCalls, type ExecCalls, localSocketOf, SocketExecCalls } from './engine-exec.js';
import { ensureSandboxImage } from './sandbox-image.js';
import { ensureNetworkAgent, type NetworkAgent, type NetworkAgentOptions } from './network-agent.js';
import { freeSubnets, splitSubnet, SUBNET_CANDIDATES } from './subnets.js';
import { ensureVolume, removeVolumes } from './volumes.js';
import { createTerminationFile, lastBytesOfTarFile, removeTerminationFiles, terminationFilesDir } from './termination-file.js';
import { JsonLineSplitter } from '../kube/json-lines.js';
import { readProgress } from './json-lines.js';
import { EXEC_MARKER_ENV, inContainerKillCommand, killExecOnHost, processBelongsToContainer } from './process-tree.js';
import {
  LABEL_CLUSTER,
  LABEL_POD_UID,
  type ContainerInfo,
  type ContainerStats,
  type EngineInfo,
  type CreateContainerSpec,
  type ExecOptions,
  type ExecResult,
  type ExecSession,
  type InteractiveExecOptions,
  type LogOptions,
  type PullResult,
  type Runtime,
  type RuntimeEvent,
  type VolumeOptions,
} from './runtime.js';

/** the kubelet keeps 10 KiB of probe output (maxReadLength) */
const INSPECT_CACHE_LIMIT = 2000;
export const DEFAULT_EXEC_OUTPUT_BYTES = 10 * 1024;
/** /_ping must answer fast; anything slower counts as "engine down" */
const PING_TIMEOUT_MS = 2_000;
/** ordinary requests (inspect, create, list, ...) */
const ENGINE_CALL_TIMEOUT_MS = 30_000;
/**
 * The requests of a pod's start (create, start, the listing of its containers): the kubelet's
 * --runtime-request-timeout, 2 minutes. A burst of pod starts queues in the engine (100 pods on 2 busy
 * cores: single starts of ~26 s measured), and a request given up on is work the engine still does and a
 * retry does again (a sandbox not heard from in time is stopped and made anew) (docs/decisions/251).
 */
const RUNTIME_REQUEST_TIMEOUT_MS = 120_000;
/** no registry may be reachable; a pull must not hold a pod's sync loop */
export const PULL_TIMEOUT_MS = 30_000;
/** after killing a timed-out exec, how long to let its output stream drain before cutting it */
const EXEC_KILL_SETTLE_MS = 2_000;
/** on a network mini-kube created with a subnet of its choosing (so fixed addresses work on it) */
const LABEL_SUBNET_CONFIGURED = 'io.mini-kube.subnet';
/** on a network created with IPRange = the lower half of its subnet (docs/decisions/160) */
export const LABEL_IP_RANGE = 'io.mini-kube.ip-range';

export interface DockerRuntimeOptions {
  /** engine socket; default: DOCKER_HOST, else /var/run/docker.sock */
  socketPath?: string;
  /** an existing client (tests, or sharing one modem) */
  docker?: Docker;
  /**
   * How a timed-out exec is ended. 'auto' signals its processes on the host when their pids are visible
   * (local Linux engine) and otherwise from inside the container; 'in-container' forces the latter.
   */
  execKill?: 'auto' | 'in-container';
  /** the control plane's --allow-privileged: without it, create refuses privileged bodies (create-options.ts) */
  allowPrivileged?: boolean;
  /** <home>/pods: the one directory whose files a container may get by bind (the kubelet's file volumes) */
  podFilesRoot?: string;
}

/**
 * Runs `fn` with a signal that aborts the engine request after `ms`, and gives up waiting then even where
 * dockerode does not forward the signal (image inspect). The timer is cleared once `fn` settles.
 */
/** what a non-TTY container printed, from the engine's multiplexed frames (the last 500 characters) */
function outputText(frames: Buffer): string {
  return new StreamDemuxer().push(frames).map((f) => f.data.toString('utf8')).join('').trim().slice(-500);
}

async function bounded<T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`the docker engine did not answer ${what} within ${ms} ms`);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

export class DockerRuntime implements Runtime {
  /** inspect results by container id, reused while the container stays in the same state */
  private readonly inspected = new Map<string, ContainerInfo>();
  readonly docker: Docker;
  private readonly execKill: 'auto' | 'in-container';
  /** learnt once: can this process see (and signal) the engine's container processes? */
  private hostPidsVisible: boolean | undefined;
  private readonly networksInFlight = new Map<string, Promise<void>>();
  /** the engine calls of exec(): direct on a local socket, else through dockerode (engine-exec.ts) */
  private readonly execCalls: ExecCalls;
  private readonly allowPrivileged: boolean;
  /** the engine runs on this machine (local socket): a file made here can be bind-mounted */
  private readonly sharesFiles: boolean;
  private readonly terminationDir = terminationFilesDir();
  private podFilesRoot: string | undefined;

  constructor(opts: DockerRuntimeOptions | string = {}) {
    const o = typeof opts === 'string' ? { socketPath: opts } : opts;
    this.docker = o.docker ?? createDockerClient(o.socketPath);
    this.execKill = o.execKill ?? 'auto';
    this.allowPrivileged = o.allowPrivileged ?? false;
    this.podFilesRoot = o.podFilesRoot;
    const local = localSocketOf(this.docker);
    this.sharesFiles = local !== undefined;
    this.execCalls = local ? new SocketExecCalls(local.socketPath, local.pathPrefix) : new DockerodeExecCalls(this.docker, bounded);
  }

  async ping(): Promise<boolean> {
    try {
      // dockerode accepts options on ping; its typings do not say so
      const ping = this.docker.ping.bind(this.docker) as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
      await bounded(PING_TIMEOUT_MS, 'ping', (abortSignal) => ping({ abortSignal }));
      return true;
    } catch {
      return false;
    }
  }

  async info(): Promise<EngineInfo> {
    const i = await bounded(ENGINE_CALL_TIMEOUT_MS, 'info', (abortSignal) => (this.docker.info as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>).call(this.docker, { abortSignal })) as Record<string, unknown>;
    return {
      serverVersion: String(i['ServerVersion'] ?? ''), operatingSystem: String(i['OperatingSystem'] ?? ''),
      osType: String(i['OSType'] ?? 'linux'), kernelVersion: String(i['KernelVersion'] ?? ''),
      architecture: String(i['Architecture'] ?? ''), ncpu: Number(i['NCPU'] ?? 0), memTotalBytes: Number(i['MemTotal'] ?? 0),
      dockerRootDir: String(i['DockerRootDir'] ?? ''),
    };
  }

  // ---- volumes (volumes.ts) ----

  ensureVolume(name: string, labels: Record<string, string>, opts?: VolumeOptions): Promise<void> {
    return ensureVolume(this.docker, name, labels, opts);
  }

  removeVolumes(labels: Record<string, string>, withLabel?: string): Promise<string[]> {
    return removeVolumes(this.docker, labels, withLabel);
  }

  ensureSandboxImage(): Promise<string> {
    return ensureSandboxImage(this.docker);
  }

  async networkSubnet(name: string): Promise<string | undefined> {
    const n = (await this.networksNamed(name))[0];
    return n?.IPAM?.Config?.find((c) => c.Subnet && !c.Subnet.includes(':'))?.Subnet;
  }

  ensureNetworkAgent(opts: NetworkAgentOptions): Promise<NetworkAgent> {
    return ensureNetworkAgent(this.docker, opts);
  }

  // ---- networks ----

  ensureNetwork(name: string, labels: Record<string, string>): Promise<void> {
    // concurrent callers in this process share one attempt
    let pending = this.networksInFlight.get(name);
    if (!pending) {
      pending = this.createNetworkOnce(name, labels).finally(() => this.networksInFlight.delete(name));
      this.networksInFlight.set(name, pending);
    }
    return pending;
  }

  private async networksNamed(name: string): Promise<Docker.NetworkInspectInfo[]> {
    // the engine's name filter matches substrings; keep exact names only
    const all = await bounded(ENGINE_CALL_TIMEOUT_MS, 'list networks', (abortSignal) =>
      this.docker.listNetworks({ filters: { name: [name] }, abortSignal } as Docker.NetworkListOptions),
    );
    return all.filter((n) => n.Name === name);
  }

  private async createNetworkOnce(name: string, labels: Record<string, string>): Promise<void> {
    const existing = await this.networksNamed(name);
    if (existing.some((n) => n.Labels?.[LABEL_IP_RANGE])) return;
    // One made by an earlier mini-kube lets the engine choose its subnet (no fixed address possible) or its
    // addresses from the whole subnet (ClusterIPs could collide with pods): replace it while it is empty;
    // with containers on it, keep using it as it is (docs/decisions/160 says what that costs).
    for (const old of existing) {
      if (!old.Labels?.[LABEL_CLUSTER] && !Object.keys(labels).every((k) => old.Labels?.[k] === labels[k])) continue;
      const inspected = await bounded(ENGINE_CALL_TIMEOUT_MS, 'inspect network', () =>
        this.docker.getNetwork(old.Id).inspect() as Promise<Docker.NetworkInspectInfo>);
      if (Object.keys(inspected.Containers ?? {}).length > 0) return;
      await this.docker.getNetwork(old.Id).remove().catch(() => undefined);
    }
    // Each candidate subnet free on the engine, in turn. Another process may be creating a network at the
    // same moment: its pool is taken before the network is listed, so the engine answers that ours
    // overlaps. Then that subnet is set aside and, after a breath, the name is looked up again.
    const tried = new Set<string>();
    let lastError: unknown;
    for (let attempt = 0; attempt < 8; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * attempt));
      if ((await this.networksNamed(name)).some((n) => n.Labels?.[LABEL_IP_RANGE] || n.Labels?.[LABEL_SUBNET_CONFIGURED])) return;
      const all = await bounded(ENGINE_CALL_TIMEOUT_MS, 'list networks', (abortSignal) =>
        this.docker.listNetworks({ abortSignal } as Docker.NetworkListOptions));
      const subnet = freeSubnets(all.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''))).find((c) => !tried.has(c));
      if (!subnet) throw new Error(`creating docker network ${name}: every candidate subnet (${SUBNET_CANDIDATES[0]} ...) is taken by another network; remove unused ones with \`docker network prune\``);
      tried.add(subnet);
      let createdId: string | undefined;
      try {
        const network = await bounded(ENGINE_CALL_TIMEOUT_MS, 'create network', (abortSignal) =>
          this.docker.createNetwork({
            Name: name, Driver: 'bridge', CheckDuplicate: true,
            IPAM: { Driver: 'default', Config: [{ Subnet: subnet, IPRange: splitSubnet(subnet)!.pods }] },
            Labels: { ...labels, [LABEL_SUBNET_CONFIGURED]: subnet, [LABEL_IP_RANGE]: splitSubnet(subnet)!.pods }, abortSignal,
          } as Docker.NetworkCreateOptions),
        );
        createdId = network.id;
      } catch (err) {
        if (statusCodeOf(err) === 409) return; // another process created it first
        lastError = err;
        continue;
      }
      // CheckDuplicate is best effort: two processes can still both create one. The oldest wins; a loser
      // removes its own copy (it has no containers yet), so every caller ends up on the same network.
      const same = await this.networksNamed(name);
      if (same.length > 1) {
        same.sort((a, b) => codeUnitOrder(a.Created, b.Created) || codeUnitOrder(a.Id, b.Id));
        if (same[0]?.Id !== createdId && createdId !== undefined) {
          await this.docker.getNetwork(createdId).remove().catch(() => undefined);
        }
      }
      return;
    }
    throw new Error(`creating docker network ${name}: ${engineMessage(lastError)}`, { cause: lastError });
  }

  async removeNetwork(name: string): Promise<void> {
    for (const network of await this.networksNamed(name)) {
      if (!network.Labels?.[LABEL_CLUSTER]) {
        throw new Error(`docker network ${name} was not created by mini-kube (no ${LABEL_CLUSTER} label); leaving it alone`);
      }
      try {
        await bounded(ENGINE_CALL_TIMEOUT_MS, 'remove network', (abortSignal) => this.docker.getNetwork(network.Id).remove({ abortSignal }));
      } catch (err) {
        if (!isNotFound(err)) throw new Error(`removing docker network ${name}: ${engineMessage(err)}`, { cause: err });
      }
    }
  }

  // ---- images ----

  async imageExists(ref: string): Promise<boolean> {
    try {
      await bounded(ENGINE_CALL_TIMEOUT_MS, 'image inspect', (abortSignal) => this.docker.getImage(imagePathSegment(ref)).inspect({ abortSignal } as Docker.ImageInspectOptions));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async imageUser(ref: string): Promise<string> {
    const info = await bounded(ENGINE_CALL_TIMEOUT_MS, 'image inspect', (abortSignal) => this.docker.getImage(imagePathSegment(ref)).inspect({ abortSignal } as Docker.ImageInspectOptions));
    return info.Config?.User ?? '';
  }

  async pullImage(ref: string): Promise<PullResult> {
    // the reference travels in the query string (encoded), but a string Docker cannot parse has no business there
    const refused = refusedImage(ref);
    if (refused !== undefined) return { ok: false, message: refused };
    const started = Date.now();
    try {
      // the bound covers the whole pull, progress stream included
      const outcome = await bounded(PULL_TIMEOUT_MS, `pull ${ref}`, async (abortSignal) =>
        readProgress(await this.docker.pull(ref, { abortSignal })),
      );
      return outcome.error === undefined ? { ok: true } : { ok: false, message: outcome.error };
    } catch (err) {
      if (Date.now() - started >= PULL_TIMEOUT_MS) {
        return { ok: false, message: `pulling ${ref} did not finish within ${PULL_TIMEOUT_MS / 1000} s` };
      }
      return { ok: false, message: engineMessage(err) };
    }
  }

  // ---- containers ----

  /** The control plane's `<home>/pods`, for a runtime made without it (passed in by a test or the library). */
  allowPodFiles(root: string): void {
    this.podFilesRoot = root;
  }

  async createContainer(spec: CreateContainerSpec): Promise<string> {
    // Outside the engine call's try: a refused body is this process's decision, not an engine error.
    const body = toCreateOptions(spec, { allowPrivileged: this.allowPrivileged, podFilesRoot: this.podFilesRoot });
    // Added after the privilege check, which refuses every bind a pod could ask for: this one is the
    // runtime's own empty file (termination-file.ts), never a path a manifest names.
    const podUid = spec.labels[LABEL_POD_UID];
    if (spec.terminationMessagePath && podUid && this.sharesFiles) {
      const source = await createTerminationFile(this.terminationDir, podUid, spec.name);
      body.HostConfig = { ...body.HostConfig, Mounts: [...body.HostConfig?.Mounts ?? [], { Type: 'bind', Source: source, Target: spec.terminationMessagePath }] };
    }
    try {
      const container = await bounded(RUNTIME_REQUEST_TIMEOUT_MS, 'create container', (abortSignal) =>
        this.docker.createContainer({ ...body, abortSignal } as Docker.ContainerCreateOptions),
      );
      return container.id;
    } catch (err) {
      throw new Error(`creating container ${spec.name}: ${engineMessage(err)}`, { cause: err });
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await bounded(RUNTIME_REQUEST_TIMEOUT_MS, 'start container', (abortSignal) => this.docker.getContainer(pathSegment(id, 'container id')).start({ abortSignal }));
    } catch (err) {
      if (statusCodeOf(err) === 304) return; // already running
      throw new Error(`starting container ${id.slice(0, 12)}: ${engineMessage(err)}`, { cause: err });
    }
  }

  async startContainerUntilLine(id: string, line: string, timeoutMs: number): Promise<void> {
    const container = this.docker.getContainer(pathSegment(id, 'container id'));
    let raw: Duplex;
    try {
      raw = (await bounded(ENGINE_CALL_TIMEOUT_MS, 'attach', (abortSignal) => container.attach({
        stream: true, stdout: true, stderr: true, hijack: true, abortSignal,
      } as Docker.ContainerAttachOptions))) as unknown as Duplex;
    } catch (err) {
      throw new Error(`attaching to container ${id.slice(0, 12)}: ${engineMessage(err)}`, { cause: err });
    }
    raw.on('error', () => {});
    // the output as it comes (frames of a non-TTY container: the line is short, written at once)
    let seen = Buffer.alloc(0);
    // The wait for the line is counted from the start's return: under a burst of starts the engine's start
    // alone may take most of a timeout counted from the attach (its own bound is the start request's).
    let armTimer = (): void => {};
    const printed = new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      armTimer = () => {
        if (!settled) timer = setTimeout(() => finish(new Error(`container ${id.slice(0, 12)} did not print "${line}" within ${timeoutMs} ms`)), timeoutMs);
      };
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        raw.destroy();
        if (err) reject(err); else resolve();
      };
      raw.on('data', (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]).subarray(-64 * 1024);
        if (seen.includes(line)) finish();
      });
      // The stream ended first: the container exited, or the engine closed the attach early. Its log has
      // the line whenever it printed it: asked until then, or until it stopped.
      let ending = false;
      const ended = (): void => {
        if (ending || settled) return;
        ending = true;
        void (async () => {
          for (;;) {
            const [logged, running] = await Promise.all([
              container.logs({ stdout: true, stderr: true, follow: false, tail: 50 } as Docker.ContainerLogsOptions & { follow: false }).then((b) => Buffer.from(b as unknown as Buffer), () => Buffer.alloc(0)),
              container.inspect().then((i) => i.State?.Running === true, () => false),
            ]);
            if (settled) return;
            if (logged.includes(line)) { finish(); return; }
            if (!running) { finish(new Error(`container ${id.slice(0, 12)} exited before it printed "${line}": ${outputText(logged) || outputText(seen) || 'no output'}`)); return; }
            await new Promise((r) => setTimeout(r, 50));
          }
        })();
      };
      raw.once('end', ended);
      raw.once('close', ended);
    });
    printed.catch(() => {});
    try {
      await this.startContainer(id);
    } catch (err) {
      raw.destroy();
      throw err;
    }
    armTimer();
    await printed;
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const t = Math.max(0, Math.ceil(graceSeconds));
    try {
      // the engine sends SIGTERM, waits t seconds, then SIGKILLs; allow for that wait
      await bounded((t + 30) * 1000, 'stop container', (abortSignal) => this.docker.getContainer(pathSegment(id, 'container id')).stop({ t, abortSignal }));
    } catch (err) {
      const code = statusCodeOf(err);
      if (code === 304 || code === 404) return; // already stopped, or gone
      throw new Error(`stopping container ${id.slice(0, 12)}: ${engineMessage(err)}`, { cause: err });
    }
  }

  async removeContainer(id: string): Promise<void> {
    this.inspected.delete(id);
    try {
      await bounded(ENGINE_CALL_TIMEOUT_MS, 'remove container', (abortSignal) => this.docker.getContainer(pathSegment(id, 'container id')).remove({ force: true, v: true, abortSignal }));
    } catch (err) {
      const code = statusCodeOf(err);
      if (code === 404) return;
      if (code === 409 && /already in progress/i.test(engineMessage(err))) return;
      throw new Error(`removing container ${id.slice(0, 12)}: ${engineMessage(err)}`, { cause: err });
    }
  }

  async inspectContainer(id: string): Promise<ContainerInfo | undefined> {
    try {
      return toContainerInfo(await this.rawInspect(id));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const summaries = await bounded(RUNTIME_REQUEST_TIMEOUT_MS, 'list containers', (abortSignal) =>
      this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) }, abortSignal }),
    );
    // The list summary lacks exit code, OOM and times, so a container is inspected once per state it is
    // seen in: a running or exited container does not change until its state does, and the kubelet lists
    // every pod's containers on each sync (every 10 s at rest), so re-inspecting would dominate its cost.
    const seen = new Set<string>();
    const infos = await Promise.all(summaries.map(async (s) => {
      seen.add(s.Id);
      const cached = this.inspected.get(s.Id);
      if (cached && cached.status === s.State && (s.State === 'running' || s.State === 'exited')) return cached;
      const info = await this.inspectContainer(s.Id);
      if (info) this.inspected.set(s.Id, info);
      return info;
    }));
    if (this.inspected.size > INSPECT_CACHE_LIMIT) {
      for (const id of this.inspected.keys()) if (!seen.has(id)) this.inspected.delete(id);
    }
    return infos.filter((i): i is ContainerInfo => i !== undefined);
  }

  /**
   * GET /containers/{id}/stats?stream=false&one-shot=true: one reading without the engine's second sample
   * a second later (one-shot, API 1.41+), since the metrics collector keeps the previous reading itself.
   */
  async containerStats(id: string): Promise<ContainerStats | undefined> {
    try {
      const raw = await bounded(ENGINE_CALL_TIMEOUT_MS, `stats ${id}`, (abortSignal) =>
        this.docker.getContainer(id).stats({ stream: false, 'one-shot': true, abortSignal } as unknown as { stream: false }),
      ) as unknown as EngineStats;
      return toContainerStats(raw);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  // ---- exec ----

  /**
   * Runs `cmd` like `docker exec` without -w: the container's WorkingDir, Env and user. On the success path
   * this is three requests: exec create, exec start (hijacked), exec inspect for the exit code (the
   * stream does not carry it). Exec probes come here up to 100 times a second, hence the direct calls
   * (engine-exec.ts) and a single timer for the timeout.
   */
  async exec(id: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const max = opts.maxOutputBytes ?? DEFAULT_EXEC_OUTPUT_BYTES;
    const timeoutMs = opts.timeoutMs;
    // processes started where we cannot see their pids carry a marker, so a timeout can find them
    const marker = timeoutMs !== undefined && !(await this.canSignalOnHost(id)) ? randomUUID().replace(/-/g, '') : undefined;

    const calls = this.execCalls;
    const execId = await calls.create(id, {
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      ...(marker ? { Env: [`${EXEC_MARKER_ENV}=${marker}`] } : {}),
    }, ENGINE_CALL_TIMEOUT_MS).catch((err: unknown) => {
      // typically "Container <id> is not running"
      throw new Error(`exec in container ${id.slice(0, 12)}: ${engineMessage(err)}`, { cause: err });
    });
    const stream = await calls.start(execId, ENGINE_CALL_TIMEOUT_MS);

    const output = new CappedOutput(max);
    const demuxer = new StreamDemuxer();
    stream.on('data', (chunk: Buffer) => {
      for (const frame of demuxer.push(chunk)) output.add(frame.stream, frame.data);
    });
    let timer: NodeJS.Timeout | undefined;
    const first = await new Promise<'ended' | 'timeout'>((resolve) => {
      const ended = (): void => resolve('ended');
      stream.once('end', ended);
      stream.once('close', ended);
      stream.on('error', ended);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs - (performance.now() - started)));
      }
    });
    clearTimeout(timer);
    const timedOut = first === 'timeout';
    if (timedOut) {
      await this.killExec(id, execId, marker);
      // the pipes close once every holder is dead; do not wait on a stream that stays open regardless
      await new Promise<void>((resolve) => {
        if (stream.destroyed || stream.readableEnded) return resolve();
        const settle = setTimeout(resolve, EXEC_KILL_SETTLE_MS);
        const done = (): void => {
          clearTimeout(settle);
          resolve();
        };
        stream.once('end', done);
        stream.once('close', done);
      });
    }
    stream.destroy();
    return { exitCode: await this.execExitCode(execId, timedOut), output: output.result(), stderr: output.stderr(), timedOut };
  }

  /** The exit code from exec inspect; the engine may record it a moment after the streams close. */
  private async execExitCode(execId: string, timedOut: boolean): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const info = await this.execCalls.inspect(execId, ENGINE_CALL_TIMEOUT_MS);
      if (!info.Running && info.ExitCode !== null) return info.ExitCode;
      if (timedOut || attempt >= 20) return info.ExitCode ?? -1;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Whether this process can see the engine's container processes; learnt once per runtime. */
  /** The engine's own inspect of a container, uncached: the exec paths need its live State.Pid. */
  private rawInspect(containerId: string): Promise<Docker.ContainerInspectInfo> {
    return bounded(ENGINE_CALL_TIMEOUT_MS, 'inspect container', (abortSignal) => this.docker.getContainer(pathSegment(containerId, 'container id')).inspect({ abortSignal }));
  }

  private async canSignalOnHost(containerId: string): Promise<boolean> {
    if (this.execKill === 'in-container') return false;
    if (this.hostPidsVisible !== undefined) return this.hostPidsVisible;
    try {
      const info = await this.rawInspect(containerId);
      if (!(info.State.Pid > 0)) return false; // not running: decide on a later exec
      this.hostPidsVisible = await processBelongsToContainer(info.State.Pid, info.Id);
      return this.hostPidsVisible;
    } catch {
      return false;
    }
  }

  /**
   * The engine cannot kill an exec. Signal its process tree on the host when its pid is ours to see;
   * otherwise find it inside the container by its marker.
   */
  private async killExec(containerId: string, execId: string, marker: string | undefined): Promise<void> {
    if (marker === undefined) {
      const info = await this.execCalls.inspect(execId, ENGINE_CALL_TIMEOUT_MS);
      await killExecOnHost(info.Pid, info.ContainerID, async () => (await this.rawInspect(containerId)).State.Pid);
      return;
    }
    // bounded by hand: giving the killer its own timeout would recurse into this path
    const killer = this.exec(containerId, inContainerKillCommand(marker), { maxOutputBytes: 1024 }).catch(() => undefined);
    await Promise.race([killer, new Promise((r) => setTimeout(r, EXEC_KILL_SETTLE_MS))]);
  }

  async execInteractive(id: string, cmd: string[], opts: InteractiveExecOptions): Promise<ExecSession> {
    const exec = await bounded(ENGINE_CALL_TIMEOUT_MS, 'exec create', (abortSignal) =>
      this.docker.getContainer(pathSegment(id, 'container id')).exec({
        Cmd: cmd,
        AttachStdin: opts.stdin,
        AttachStdout: opts.stdout,
        AttachStderr: opts.stderr,
        Tty: opts.tty,
        abortSignal,
      }),
    );
    const raw = (await bounded(ENGINE_CALL_TIMEOUT_MS, 'exec start', (abortSignal) =>
      exec.start({ hijack: true, stdin: opts.stdin, Tty: opts.tty, abortSignal }),
    )) as Duplex;

    // a TTY has one output stream; otherwise the engine multiplexes stdout and stderr
    const { stdout, stderr } = splitOutput(raw, opts.tty);
    const exitCode = new Promise<number>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        if (!stdout.writableEnded) stdout.end();
        if (!stderr.writableEnded) stderr.end();
        this.execExitCode(exec.id, false).then(resolve, () => resolve(-1));
      };
      raw.once('end', finish);
      raw.once('close', finish);
      raw.once('error', finish);
    });
    return {
      stdin: opts.stdin ? raw : undefined,
      stdout,
      stderr,
      resize: async (width: number, height: number) => {
        await bounded(ENGINE_CALL_TIMEOUT_MS, 'exec resize', (abortSignal) => exec.resize({ w: width, h: height, abortSignal }));
      },
      exitCode,
      raw,
    };
  }

  attach(id: string, opts: InteractiveExecOptions): Promise<ExecSession> {
    return attachContainer(this.docker, bounded, ENGINE_CALL_TIMEOUT_MS, id, opts);
  }

  // ---- logs and events ----

  async readFileTail(id: string, filePath: string, maxBytes: number): Promise<Buffer | undefined> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await bounded(ENGINE_CALL_TIMEOUT_MS, 'get archive', () => this.docker.getContainer(pathSegment(id, 'container id')).getArchive({ path: filePath }));
    } catch (err) {
      if (statusCodeOf(err) === 404) return undefined;
      throw new Error(`reading ${filePath} of container ${id.slice(0, 12)}: ${engineMessage(err)}`, { cause: err });
    }
    try {
      return await lastBytesOfTarFile(stream, maxBytes);
    } finally {
      (stream as Readable).destroy?.();
    }
  }

  async removePodFiles(podUid: string): Promise<void> {
    await removeTerminationFiles(this.terminationDir, podUid);
  }

  /** stdout and stderr as one byte stream, in the order the engine recorded them (a TTY's log is raw) */
  async logs(id: string, opts: LogOptions): Promise<Readable> {
    const query = {
      stdout: true,
      stderr: true,
      timestamps: opts.timestamps ?? false,
      ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}),
      ...(opts.sinceSeconds !== undefined ? { since: Math.floor(Date.now() / 1000) - opts.sinceSeconds } : {}),
    };
    const container = this.docker.getContainer(pathSegment(id, 'container id'));
    let source: Readable;
    try {
      if (opts.follow) {
        // the bound covers the engine's answer only; a followed log lives as long as the container or reader
        source = (await bounded(ENGINE_CALL_TIMEOUT_MS, 'logs', (abortSignal) => container.logs({ ...query, follow: true, abortSignal }))) as Readable;
      } else {
        const body = await bounded(ENGINE_CALL_TIMEOUT_MS, 'logs', (abortSignal) => container.logs({ ...query, follow: false, abortSignal }));
        source = Readable.from([Buffer.isBuffer(body) ? body : Buffer.from(String(body))]);
      }
    } catch (err) {
      throw new Error(`logs of container ${id.slice(0, 12)}: ${engineMessage(err)}`, { cause: err });
    }
    // pipeline, so a reader that destroys the result also closes the engine connection
    const tty = await hasTty(this.docker, bounded, ENGINE_CALL_TIMEOUT_MS, id).catch(() => false);
    const out = tty ? new PassThrough() : demuxTransform();
    pipeline(source, out, () => undefined);
    return out;
  }

  events(labels: Record<string, string>, onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): () => void {
    const controller = new AbortController();
    let stopped = false;
    let stream: NodeJS.ReadableStream | undefined;
    const fail = (err: Error): void => {
      if (stopped) return;
      stopped = true; // report once; the caller re-subscribes (and re-lists) after an error
      onError(err);
    };
    this.docker
      .getEvents({
        // from the moment of subscribing: events that happen while the request travels are not lost
        since: Number((Date.now() / 1000).toFixed(3)),
        filters: { type: ['container'], label: labelFilters(labels), event: LIFECYCLE_ACTIONS },
        abortSignal: controller.signal,
      } as Docker.GetEventsOptions)
      .then((s) => {
        stream = s;
        if (stopped) return (s as Readable).destroy();
        const splitter = new JsonLineSplitter();
        s.on('data', (chunk: Buffer) => {
          for (const value of splitter.push(chunk)) {
            const event = toRuntimeEvent(value);
            // Any lifecycle event may change what an inspect would say (docker start after stop, ...).
            if (event) this.inspected.delete(event.containerId);
            if (event && !stopped) onEvent(event);
          }
        });
        s.on('error', (err: Error) => fail(err));
        s.on('end', () => fail(new Error('the docker event stream ended (engine restarted?)')));
        s.on('close', () => fail(new Error('the docker event stream closed (engine restarted?)')));
      })
      .catch((err: unknown) => fail(new Error(`subscribing to docker events: ${engineMessage(err)}`)));
    return () => {
      stopped = true;
      controller.abort();
      (stream as Readable | undefined)?.destroy();
    };
  }
}

/** The fields of the engine's stats answer that the working set and CPU rate come from. */
interface EngineStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/**
 * The engine's stats as the kubelet's cAdvisor reports them: working set = usage - inactive_file
 * (cgroup v2 "inactive_file", v1 "total_inactive_file"), never below 0. A stopped container reads as zeros
 * with the zero time: undefined then.
 */
export function toContainerStats(raw: EngineStats): ContainerStats | undefined {
  const timestamp = raw.read ? Date.parse(raw.read) : NaN;
  const cpu = raw.cpu_stats?.cpu_usage?.total_usage;
  if (!Number.isFinite(timestamp) || timestamp <= 0 || cpu === undefined) return undefined;
  const usage = raw.memory_stats?.usage ?? 0;
  const stats = raw.memory_stats?.stats ?? {};
  const inactive = stats['inactive_file'] ?? stats['total_inactive_file'] ?? 0;
  return { cpuUsageNanoSeconds: cpu, memoryWorkingSetBytes: Math.max(0, usage - inactive), timestamp };
}
