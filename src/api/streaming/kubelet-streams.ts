// What the API server asks of the kubelet for logs, exec, attach, port-forward and the container lookup. In
// Kubernetes the apiserver never reaches the container runtime: it forwards pods/log and pods/exec to
// the node's kubelet (pkg/registry/core/pod/rest/subresources.go, then the kubelet's /containerLogs
// and /exec). Here the control plane passes in an object that does the same in-process
// (src/control-plane/kubelet-streams.ts), so src/api never imports src/runtime.
import type { Duplex, Readable, Writable } from 'node:stream';

/** One instance (run) of a pod's container on the engine, as the kubelet found it by labels. */
export interface ContainerInstance {
  /** engine id: which instance a log or exec request reads */
  id: string;
  running: boolean;
  /** ISO timestamp; undefined while it never ended */
  finishedAt?: string;
}

/** The query of pods/{name}/log the kubelet honours itself; limitBytes is cut by the API server. */
export interface ContainerLogOptions {
  follow: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
}

export interface ContainerExecOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A running exec process: its streams, terminal size, exit code, and a way to cut it off. */
export interface ContainerExec {
  stdin: Writable | NodeJS.WritableStream | undefined;
  stdout: Readable;
  stderr: Readable;
  resize(width: number, height: number): Promise<void>;
  /** resolves with the exit code once the process ended and its output was read */
  exitCode: Promise<number>;
  /** the client went away: drop the connection to the process */
  close(): void;
}

export interface KubeletStreams {
  /** the pod's instances of one container on the engine, newest first; [] when there is none */
  instances(podUid: string, containerName: string): Promise<ContainerInstance[]>;
  /** the output of one instance (an id from instances()) */
  logs(containerId: string, opts: ContainerLogOptions): Promise<Readable>;
  /** runs a command in one running instance (an id from instances()) */
  exec(containerId: string, command: string[], opts: ContainerExecOptions): Promise<ContainerExec>;
  /** attaches to one running instance's main process; its exitCode resolves 0 when the stream ends */
  attach(containerId: string, opts: ContainerExecOptions): Promise<ContainerExec>;
  /**
   * A TCP connection to `port` in the pod's network namespace (pods/portforward). Rejects with a
   * PortForwardError whose message the kubelet would write on the port's error stream.
   */
  dialPod(podUid: string, port: number): Promise<Duplex>;
}

/** A port-forward connection that could not be made; the message is the kubelet's text. */
export class PortForwardError extends Error {}
