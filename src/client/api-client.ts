// A small client of mini-kube's Kubernetes-shaped API over HTTPS with the cluster's CA and bearer token.
// The CLI and the library use only this to reach the control plane: there is no side door.
import * as https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { StatusError, type StatusReason } from '../kube/errors.js';
import { byKind, type Kind, type ResourceType } from '../kube/kinds.js';
import type { KubeObject, Stored } from '../store/store.js';
import { JsonLineSplitter } from '../kube/json-lines.js';

export interface ClientConfig {
  url: string;
  token: string;
  caPem: string;
}

export interface ListOptions {
  namespace?: string;
  /** all namespaces */
  all?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ApiResponse<T> {
  body: T;
  warnings: string[];
  status: number;
}

export interface WatchHandle {
  close(): void;
  done: Promise<void>;
}

export interface ClientOptions {
  /**
   * Makes the API reachable when the first attempt to reach it fails before any request was delivered
   * (see `whenReachable`), and says where it now is: the CLI starts the control plane there, so a command
   * needs no health check of its own before its real request.
   */
  recover?: () => Promise<ClientConfig>;
}

export class ApiClient {
  private agent: https.Agent;
  private base: URL;
  private recover: (() => Promise<ClientConfig>) | undefined;
  private recovering: Promise<void> | undefined;

  constructor(public config: ClientConfig, opts: ClientOptions = {}) {
    this.base = new URL(config.url);
    this.agent = agentFor(config);
    this.recover = opts.recover;
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * Runs `attempt` (one exchange with the API); when it fails because nothing answered at the API's
   * address (connection refused, or a TLS handshake with something else listening there) and the client
   * was given `recover`, recovers once and runs it again. Safe to repeat: such a failure means the
   * request never reached the API. Once an exchange succeeded, failures are the command's to report.
   */
  async whenReachable<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      const result = await attempt();
      this.recover = undefined;
      return result;
    } catch (err) {
      if (!unreachable(err) || (!this.recover && !this.recovering)) throw err;
      // several requests in flight (a describe's) share one recovery
      this.recovering ??= this.recover!().then((config) => this.reconfigure(config));
      this.recover = undefined;
      await this.recovering;
      return attempt();
    }
  }

  private reconfigure(config: ClientConfig): void {
    this.agent.destroy();
    this.config = config;
    this.base = new URL(config.url);
    this.agent = agentFor(config);
  }

  /** /api/v1/namespaces/default/pods[/name] for a kind. */
  path(kind: Kind, namespace: string | undefined, name?: string, sub?: string): string {
    const t = mustType(kind);
    const prefix = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
    const ns = t.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${prefix}${ns}/${t.resource}${name ? `/${encodeURIComponent(name)}` : ''}${sub ? `/${sub}` : ''}`;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await this.raw(method, path, body, headers);
    const text = await readAll(res);
    const warnings = warningsOf(res);
    if ((res.statusCode ?? 500) >= 400) throw toStatusError(res.statusCode ?? 500, text);
    const type = String(res.headers['content-type'] ?? '');
    const parsed = type.includes('json') && text ? (JSON.parse(text) as T) : (text as unknown as T);
    return { body: parsed, warnings, status: res.statusCode ?? 200 };
  }

  raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    return this.whenReachable(() => this.rawOnce(method, path, body, headers));
  }

  private rawOnce(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request({
        protocol: this.base.protocol,
        hostname: this.base.hostname,
        port: this.base.port,
        method,
        path,
        agent: this.agent,
        headers: {
          Authorization: `Bearer ${this.config.token}`,
          Accept: 'application/json',
          'User-Agent': 'mini-kube-cli',
          ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          ...headers,
        },
      }, resolve);
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async get<T extends KubeObject>(kind: Kind, namespace: string | undefined, name: string): Promise<Stored<T>> {
    return (await this.request<Stored<T>>('GET', this.path(kind, namespace, name))).body;
  }

  async tryGet<T extends KubeObject>(kind: Kind, namespace: string | undefined, name: string): Promise<Stored<T> | undefined> {
    try {
      return await this.get<T>(kind, namespace, name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject>(kind: Kind, opts: ListOptions = {}): Promise<{ items: Stored<T>[]; resourceVersion: string }> {
    const q = query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    const path = this.path(kind, opts.all ? undefined : opts.namespace ?? 'default') + q;
    const body = (await this.request<{ items: Stored<T>[]; metadata: { resourceVersion: string } }>('GET', path)).body;
    return { items: body.items, resourceVersion: body.metadata.resourceVersion };
  }

  /** A server-side Table, as kubectl asks for it. */
  async table(kind: Kind, opts: ListOptions & { name?: string } = {}): Promise<Table> {
    const q = query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    const path = this.path(kind, opts.all ? undefined : opts.namespace ?? 'default', opts.name) + q;
    return (await this.request<Table>('GET', path, undefined, { Accept: TABLE_ACCEPT })).body;
  }

  async create<T extends KubeObject>(obj: T, namespace?: string): Promise<ApiResponse<Stored<T>>> {
    const ns = namespace ?? obj.metadata?.namespace ?? 'default';
    return this.request<Stored<T>>('POST', this.path(obj.kind as Kind, ns), obj);
  }

  async update<T extends KubeObject>(obj: T): Promise<ApiResponse<Stored<T>>> {
    return this.request<Stored<T>>('PUT', this.path(obj.kind as Kind, obj.metadata?.namespace ?? 'default', obj.metadata!.name!), obj);
  }

  async patch<T extends KubeObject>(kind: Kind, namespace: string, name: string, patch: unknown, type = 'application/merge-patch+json', sub?: string): Promise<Stored<T>> {
    const res = await this.request<Stored<T>>('PATCH', this.path(kind, namespace, name, sub), JSON.stringify(patch), { 'Content-Type': type });
    return res.body;
  }

  async delete(kind: Kind, namespace: string, name: string, opts: { gracePeriodSeconds?: number } = {}): Promise<void> {
    await this.request('DELETE', this.path(kind, namespace, name), {
      kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background',
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
    });
  }

  /**
   * Streams watch events. `table` asks for one-row Tables per event (for `get -w` output).
   * Resolves `done` when the server ends the stream.
   */
  watch(kind: Kind, opts: ListOptions & { resourceVersion?: string; table?: boolean },
    onEvent: (e: { type: string; object: Record<string, unknown> }) => void): WatchHandle {
    const q = query({
      watch: 'true', labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, resourceVersion: opts.resourceVersion,
    });
    const path = this.path(kind, opts.all ? undefined : opts.namespace ?? 'default') + q;
    let res: IncomingMessage | undefined;
    let closed = false;
    const done = (async () => {
      res = await this.raw('GET', path, undefined, opts.table ? { Accept: TABLE_ACCEPT } : {});
      if ((res.statusCode ?? 500) >= 400) throw toStatusError(res.statusCode ?? 500, await readAll(res));
      const lines = new JsonLineSplitter({ malformed: 'throw' });
      for await (const chunk of res) {
        for (const e of lines.push(chunk as Buffer)) onEvent(e as { type: string; object: Record<string, unknown> });
      }
    })().catch((err: Error) => {
      if (!closed) throw err;
    });
    return {
      close: () => { closed = true; res?.destroy(); },
      done,
    };
  }
}

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description?: string;
  priority: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string };
  columnDefinitions: TableColumn[];
  rows: { cells: (string | number)[]; object?: KubeObject }[];
}

/**
 * Nothing that speaks for this cluster answered at the address: refused, or the TLS handshake failed (a
 * stale address another server took over). Both happen before a request is sent.
 */
function unreachable(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  return code === 'ECONNREFUSED' || code === 'EPROTO' || /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
}

/** Keep-alive connections to the API, trusting its CA only. */
function agentFor(config: ClientConfig): https.Agent {
  return new https.Agent({ ca: config.caPem, keepAlive: true, maxSockets: 16 });
}

function mustType(kind: Kind): ResourceType {
  const t = byKind(kind);
  if (!t) throw new Error(`unknown kind ${kind}`);
  return t;
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function warningsOf(res: IncomingMessage): string[] {
  const raw = res.headers['warning'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  // `299 - "text"` as the apiserver sends it
  return list.map((w) => w.replace(/^\d{3}\s+\S+\s+"(.*)"$/, '$1').replace(/\\"/g, '"'));
}

function toStatusError(code: number, text: string): StatusError {
  try {
    const s = JSON.parse(text) as { message?: string; reason?: StatusReason; details?: StatusError['details'] };
    return new StatusError(code, s.reason ?? 'InternalError', s.message ?? text, s.details);
  } catch {
    return new StatusError(code, 'InternalError', text || `HTTP ${code}`);
  }
}
