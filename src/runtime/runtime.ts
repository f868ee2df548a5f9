// The container runtime as the kubelet and probes see it. src/runtime/docker.ts is the one implementation
// that talks to Docker (the only importer of dockerode); unit tests of timing logic may use a fake.
import type { Duplex, Readable } from 'node:stream';
import type { CgroupResources } from '../kube/resources.js';
import type { NetworkAgent, NetworkAgentOptions } from './network-agent.js';

/** Labels put on every container mini-kube creates; nothing without LABEL_CLUSTER is ever touched. */
export const LABEL_CLUSTER = 'io.mini-kube.cluster';
export const LABEL_NAMESPACE = 'io.mini-kube.pod-namespace';
export const LABEL_POD = 'io.mini-kube.pod-name';
export const LABEL_POD_UID = 'io.mini-kube.pod-uid';
export const LABEL_CONTAINER = 'io.mini-kube.container-name';
export const LABEL_ATTEMPT = 'io.mini-kube.attempt';
/** on a pod's sandbox container (the one holding the pod's network namespace and IP), instead of LABEL_CONTAINER */
export const LABEL_SANDBOX = 'io.mini-kube.pod-sandbox';

export interface PortSpec {
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
}

export interface CreateContainerSpec {
  /** Docker container name, k8s_<container>_<pod>_<namespace>_<uid>_<attempt> as dockershim did */
  name: string;
  image: string;
  /** Kubernetes `command` (overrides the image ENTRYPOINT) */
  command?: string[];
  /** Kubernetes `args` (overrides the image CMD) */
  args?: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  /** the pod name, so that os.hostname() in the app answers the pod name */
  hostname: string;
  labels: Record<string, string>;
  ports: PortSpec[];
  /** Docker network the pod joins */
  network: string;
  /**
   * Publish every container port on 127.0.0.1 with a random host port, for hosts that cannot reach
   * container IPs (Docker Desktop) or when the "published ports" mode is forced.
   */
  publishPorts: boolean;
  /** cgroup limits from the container's resources (src/kube/resources.ts) */
  resources?: CgroupResources;
  security?: ContainerSecurity;
  /** the pod's volumes mounted into the container: named engine volumes (emptyDir) and binds (file volumes) */
  mounts?: VolumeMountSpec[];
  /**
   * The id of the pod's sandbox container: this container joins its network namespace (`localhost` and the
   * pod IP are the sandbox's), so it has no IP, host name or published port of its own (those are the
   * sandbox's); `network`, `hostname` and `ports` are then not used.
   */
  sandboxId?: string;
  /**
   * An ephemeral container's targetContainerName: the id of that container of the same pod, whose process
   * namespace this one joins (Docker `--pid container:<id>`), so `ps` shows the target's processes.
   */
  pidTargetId?: string;
  /**
   * terminationMessagePath: the runtime puts a file of its own there, kept after the container stops (a
   * bind mount, where the engine shares this machine's files: termination-file.ts)
   */
  terminationMessagePath?: string;
  /** the container's stdin, stdinOnce and tty (Docker OpenStdin, StdinOnce, Tty): for attach and `run -it` */
  terminal?: TerminalSpec;
}

export interface TerminalSpec {
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
}

export interface VolumeOptions {
  tmpfs?: { sizeBytes?: number };
}

export interface VolumeMountSpec {
  /** the engine's volume name (an emptyDir) */
  volume?: string;
  /**
   * a directory or file of the machine, bind-mounted: only under the cluster's pods directory, where the
   * kubelet writes configMap, secret, downwardAPI and projected volumes (create-options.ts checks it)
   */
  bind?: string;
  /** the path inside the container */
  target: string;
  readOnly: boolean;
}

/** A container's securityContext in engine terms (src/kubelet/security-context.ts derives it). */
export interface ContainerSecurity {
  /** "uid" or "uid:gid" */
  user?: string;
  groupAdd?: string[];
  readOnlyRootfs?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** allowPrivilegeEscalation: false */
  noNewPrivileges?: boolean;
  privileged?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  status: ContainerStatus;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** engine error text when the container failed to start */
  error: string;
  /** ISO timestamps; Docker's zero time becomes undefined */
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** IP on mini-kube's network */
  ip?: string;
  /** the termination message the kubelet read from the exited container (src/kubelet/termination-message.ts) */
  terminationMessage?: string;
  /** containerPort -> host port on 127.0.0.1, when published */
  publishedPorts: Record<number, number>;
}

export interface ExecResult {
  /** the process's exit code; after a timeout, whatever the engine recorded for the killed process (137) or -1 */
  exitCode: number;
  /** stdout followed by stderr, capped */
  output: Buffer;
  /** stderr alone (capped likewise), where the runtime keeps it apart */
  stderr?: Buffer;
  timedOut: boolean;
}

export interface ExecOptions {
  /** end the process and report timedOut after this long */
  timeoutMs?: number;
  /** keep at most this many bytes of output (the kubelet keeps 10 KiB) */
  maxOutputBytes?: number;
}

export interface InteractiveExecOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/**
 * One reading of a container's cgroup counters (the engine's stats, as cAdvisor reads them for the
 * kubelet): cumulative CPU time, so a rate needs two readings, and memory as the kubelet's working set.
 */
export interface ContainerStats {
  /** cumulative CPU time used, in nanoseconds (cpuacct.usage / cpu.stat usage_usec) */
  cpuUsageNanoSeconds: number;
  /** usage minus inactive file pages (cAdvisor's working set; what the OOM killer and kubectl top look at) */
  memoryWorkingSetBytes: number;
  /** when the engine read the counters, milliseconds since the epoch */
  timestamp: number;
}

/** A running interactive exec: write stdin, read stdout/stderr, learn the exit code. */
export interface ExecSession {
  stdin: NodeJS.WritableStream | undefined;
  stdout: Readable;
  stderr: Readable;
  resize(width: number, height: number): Promise<void>;
  /** resolves with the exit code once the process ended and its output was read */
  exitCode: Promise<number>;
  /** underlying hijacked stream, ended to close stdin */
  raw: Duplex;
}

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
}

export interface RuntimeEvent {
  /** 'start' | 'die' | 'destroy' | 'stop' | 'kill' | 'oom' ... as Docker names them */
  action: string;
  containerId: string;
  labels: Record<string, string>;
  /** container name, without the leading '/' */
  name?: string;
  /** the main process's exit code, on 'die' */
  exitCode?: number;
  /** when the engine saw it, nanoseconds since the epoch */
  timeNano?: number;
}

export type PullResult = { ok: true } | { ok: false; message: string };

/** What the engine says of itself (`docker info`): the Node's capacity and nodeInfo come from here. */
export interface EngineInfo {
  serverVersion: string;
  operatingSystem: string;
  osType: string;
  kernelVersion: string;
  /** as the engine spells it: x86_64, aarch64 */
  architecture: string;
  ncpu: number;
  memTotalBytes: number;
  dockerRootDir: string;
}

export interface Runtime {
  /** true when the engine answers */
  ping(): Promise<boolean>;
  /** the engine's version and machine; optional for fakes */
  info?(): Promise<EngineInfo>;
  ensureNetwork(name: string, labels: Record<string, string>): Promise<void>;
  /** makes the pod sandbox image exist (built offline, sandbox-image.ts); returns its reference */
  ensureSandboxImage(): Promise<string>;
  removeNetwork(name: string): Promise<void>;
  /**
   * the one directory whose files containers may bind-mount (read-only): the kubelet's configMap, secret,
   * downwardAPI and projected volumes under `<home>/pods`
   */
  allowPodFiles?(root: string): void;
  /** the cluster's network agent, adopted or created (network-agent.ts); absent on runtimes without one */
  ensureNetworkAgent?(opts: NetworkAgentOptions): Promise<NetworkAgent>;
  /** the IPv4 subnet of a network (undefined when it has none or does not exist) */
  networkSubnet?(name: string): Promise<string | undefined>;
  /**
   * creates a named volume with these labels (LABEL_CLUSTER among them), or keeps the one there; with
   * `tmpfs`, backed by memory (the local driver's tmpfs, `size` in bytes when given)
   */
  ensureVolume(name: string, labels: Record<string, string>, opts?: VolumeOptions): Promise<void>;
  /** removes the volumes carrying all these labels (LABEL_CLUSTER among them), and the label `withLabel` when given */
  removeVolumes(labels: Record<string, string>, withLabel?: string): Promise<string[]>;
  imageExists(ref: string): Promise<boolean>;
  /** the image's USER ("" when it sets none: root); for runAsNonRoot */
  imageUser?(ref: string): Promise<string>;
  /** tries a pull; never throws for registry failures, it reports them */
  pullImage(ref: string): Promise<PullResult>;
  createContainer(spec: CreateContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /**
   * Starts a container and resolves once its output has printed `line` (attached before the start, so
   * nothing is missed); rejects with what it printed when it exits or closes its output first, or when
   * timeoutMs pass after the start returned. The pod sandbox says so when it has written the pod's files
   * (pod-sandbox.ts).
   */
  startContainerUntilLine(id: string, line: string, timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after graceSeconds (the engine's own stop timeout) */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerInfo | undefined>;
  /** containers carrying all of these labels, running or not */
  listContainers(labels: Record<string, string>): Promise<ContainerInfo[]>;
  exec(id: string, cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  execInteractive(id: string, cmd: string[], opts: InteractiveExecOptions): Promise<ExecSession>;
  /** attaches to the main process's stdin/stdout/stderr (kubectl attach); resize() resizes the container's terminal */
  attach?(id: string, opts: InteractiveExecOptions): Promise<ExecSession>;
  logs(id: string, opts: LogOptions): Promise<Readable>;
  /** the last maxBytes bytes of a file in a (stopped or running) container; undefined when there is no such file */
  readFileTail?(id: string, path: string, maxBytes: number): Promise<Buffer | undefined>;
  /** removes the files the runtime made for a pod's containers (termination message files) */
  removePodFiles?(podUid: string): Promise<void>;
  /** one reading of a running container's counters; undefined when it is gone or not running */
  containerStats?(id: string): Promise<ContainerStats | undefined>;
  /** container lifecycle events for containers with these labels; returns a stop function */
  events(labels: Record<string, string>, onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): () => void;
}
