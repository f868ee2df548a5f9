// Running one lifecycle handler (postStart or preStop): pkg/kubelet/lifecycle/handlers.go's
// handlerRunner.Run. exec runs through the runtime's exec in the container (no timeout of its own, no
// $(VAR) expansion: the kubelet passes the command as written); httpGet is the probe's request
// (src/probes/http.ts) with the lifecycle's own User-Agent, judged as Go's http.Client.Do: only a
// transport error fails the hook, any status code is an answer; sleep waits its seconds. A failure
// comes back with the kubelet's message, which becomes the FailedPostStartHook / FailedPreStopHook event.
//
// tcpSocket is deprecated: the apiserver accepts it without validation (admission here adds a warning)
// and the kubelet has no case for it, so the hook fails with "Cannot run handler: invalid handler"
// (docs/decisions/124).
import type { Container, Pod } from '../kube/types.js';
import type { Runtime } from '../runtime/runtime.js';
import { goQuote } from '../probes/go-format.js';
import { newRequestForHttpGetAction, probeHttp } from '../probes/http.js';
import { resolveContainerPort } from '../probes/port.js';
import type { DialTarget, ResolveAddress, Target } from '../probes/types.js';
import { KUBE_PROBE_VERSION } from '../probes/types.js';

export type LifecycleHandler = NonNullable<NonNullable<Container['lifecycle']>['postStart']>;

/** The User-Agent of a lifecycle httpGet: NewRequestForHTTPGetAction(..., "lifecycle"). */
export const KUBE_LIFECYCLE_USER_AGENT = `kube-lifecycle/${KUBE_PROBE_VERSION}`;

/** Go's http.Client without a timeout: the kubelet's lifecycle client has none; preStop is bounded by the grace period. */
const HTTP_HOOK_TIMEOUT_MS = 10 * 60_000;

export interface HookDeps {
  runtime: Pick<Runtime, 'exec'>;
  /** the pod's IP (the sandbox's), the default host of httpGet */
  podIP(pod: Pod): Promise<string | undefined>;
  /** published-ports mode: where this host reaches the pod's port (as the probes do) */
  resolveAddress?: ResolveAddress;
  /** the LifecycleHTTPFallback warning */
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export type HookResult = { ok: true } | { ok: false; message: string };

/**
 * The container ports its httpGet hooks dial on the pod itself: in the published-ports mode the sandbox
 * publishes them, as it does the probes' ports.
 */
export function hookPortsToPublish(container: Container): number[] {
  const out = new Set<number>();
  for (const h of [container.lifecycle?.postStart, container.lifecycle?.preStop]) {
    if (!h?.httpGet || h.httpGet.host) continue;
    const r = resolveContainerPort(h.httpGet.port, container);
    if ('port' in r) out.add(r.port);
  }
  return [...out].sort((a, b) => a - b);
}

/** format.Pod: `name_namespace(uid)`, as the kubelet names a pod in its messages. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}

/** Go's %v of a []string: `[sh -c exit 1]`. */
function goList(list: readonly string[]): string {
  return `[${list.join(' ')}]`;
}

/**
 * Runs one handler in (or against) the container. `signal` ends a sleep early (the container is being
 * killed): "container terminated before sleep hook finished", as the kubelet's context cancellation.
 */
export async function runLifecycleHandler(deps: HookDeps, pod: Pod, container: Container, containerId: string,
  handler: LifecycleHandler, signal?: AbortSignal): Promise<HookResult> {
  const podName = formatPod(pod);
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    let error: string | undefined;
    let output = '';
    try {
      const res = await abortable(deps.runtime.exec(containerId, command), signal);
      output = res.output.toString('utf8');
      // the CRI's ExecSync error for a non-zero exit (remote_runtime.go): it quotes stderr; the message, both
      const stderr = (res.stderr ?? res.output).toString('utf8');
      if (res.exitCode !== 0) error = `command '${command.join(' ')}' exited with ${res.exitCode}: ${stderr}`;
    } catch (err) {
      error = (err as Error).message;
    }
    if (error === undefined) return { ok: true };
    return {
      ok: false,
      message: `Exec lifecycle hook (${goList(command)}) for Container ${goQuote(container.name)} in Pod ${goQuote(podName)} failed - error: ${error}, message: ${goQuote(output)}`,
    };
  }
  if (handler.httpGet) {
    const error = await runHttpHandler(deps, pod, container, handler.httpGet, signal);
    if (error === undefined) return { ok: true };
    return {
      ok: false,
      message: `HTTP lifecycle hook (${handler.httpGet.path ?? ''}) for Container ${goQuote(container.name)} in Pod ${goQuote(podName)} failed - error: ${error}`,
    };
  }
  if (handler.sleep) {
    const seconds = handler.sleep.seconds;
    const finished = await sleepUnlessAborted(seconds * 1000, signal);
    if (finished) return { ok: true };
    return {
      ok: false,
      message: `Sleep lifecycle hook (${seconds}) for Container ${goQuote(container.name)} in Pod ${goQuote(podName)} failed - error: container terminated before sleep hook finished`,
    };
  }
  // tcpSocket (deprecated, warned at admission): Run's default case
  return { ok: false, message: `Cannot run handler: invalid handler: ${goHandlerString(handler)}` };
}

/** Go's %v of a *LifecycleHandler (its generated String()), for the "invalid handler" message. */
function goHandlerString(h: LifecycleHandler): string {
  const tcp = h.tcpSocket;
  const port = tcp ? (typeof tcp.port === 'number' ? `{0 ${tcp.port} }` : `{1 0 ${tcp.port}}`) : '';
  const tcpText = tcp ? `&TCPSocketAction{Port:${port},Host:${tcp.host ?? ''},}` : 'nil';
  return `&LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:${tcpText},Sleep:nil,}`;
}

type HTTPGetAction = NonNullable<LifecycleHandler['httpGet']>;

/** runHTTPHandler: undefined on any answer, else the transport error's text. */
async function runHttpHandler(deps: HookDeps, pod: Pod, container: Container, action: HTTPGetAction, signal?: AbortSignal): Promise<string | undefined> {
  const podIP = action.host || await deps.podIP(pod);
  if (!podIP) return 'failed to find networking container';
  const hasAgent = (action.httpHeaders ?? []).some((h) => h.name.toLowerCase() === 'user-agent');
  const withAgent = hasAgent ? action : { ...action, httpHeaders: [...action.httpHeaders ?? [], { name: 'User-Agent', value: KUBE_LIFECYCLE_USER_AGENT }] };
  const req = newRequestForHttpGetAction(withAgent, container, podIP);
  if ('error' in req) return req.error;
  const resolve = deps.resolveAddress;
  const dial = resolve && !action.host
    ? async (a: Target): Promise<DialTarget> => {
      if (a.host !== podIP) return a;
      const t = await resolve(pod, container, a.port);
      return { ...t, viaUserlandProxy: t.viaUserlandProxy ?? (t.host !== a.host || t.port !== a.port) };
    }
    : undefined;
  const once = async (scheme: string): Promise<string | undefined> => {
    const out = await abortable(probeHttp({ ...req, scheme }, { timeoutMs: HTTP_HOOK_TIMEOUT_MS, dial }), signal)
      .catch((err: Error) => ({ result: 'failure' as const, output: err.message, error: undefined }));
    if (out.error !== undefined) return out.error;
    // The probe judges status codes; the hook does not: `Get "...": <error>` is the only transport failure.
    return out.result === 'failure' && out.output.startsWith('Get ') ? out.output : undefined;
  };
  const error = await once(req.scheme);
  // An https hook answered in plain http is retried in http, with a warning (LifecycleHTTPFallback).
  if (error !== undefined && req.scheme === 'https' && error.includes('server gave HTTP response to HTTPS client')) {
    req.headers.delete('Authorization');
    if (await once('http') === undefined) {
      deps.event(pod, 'Warning', 'LifecycleHTTPFallback',
        `request to HTTPS lifecycle hook ${req.host}:${req.port} got HTTP response, retry with HTTP succeeded`);
      return undefined;
    }
  }
  return error;
}

/** The promise, or a rejection once `signal` aborts (the work itself is left to end with the container). */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new Error('container terminated before the hook finished'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('container terminated before the hook finished'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e as Error); });
  });
}

function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(true); }, ms);
    const onAbort = (): void => { clearTimeout(timer); resolve(false); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
