// `mini-kube demo`: the tutorial's two sections, step by step, on the real engine. Every step prints the
// command a student would type and its real output; while it waits it says what the kubelet is doing
// (from the kubelet's own Events). It uses the same core as the CLI (API client, apply, printers) and
// cleans up what it created, also on Ctrl-C. It never touches objects that existed before it started:
// if one of the tutorial's objects is already there, it stops and says so (docs/decisions/050).
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../client/api-client.js';
import { applyObject, displayName } from '../client/apply.js';
import { connect } from '../client/connect.js';
import { execInPod } from '../client/exec.js';
import { resolveHome } from '../control-plane/home.js';
import type { Event, Pod, Service } from '../kube/types.js';
import type { Kind } from '../kube/kinds.js';
import { parseManifests } from '../manifests/index.js';
import { printTable } from '../printers/tabwriter.js';
import { buildSampleImage } from '../runtime/sample-image.js';
import type { KubeObject } from '../store/store.js';
import { messages, pickLang, type Lang, type Messages } from './messages.js';
import { Progress } from './progress.js';
import { isPodReady } from '../kube/pod.js';

export interface DemoOptions {
  lang?: string;
  fast?: boolean;
  out?: NodeJS.WritableStream;
}

/** Thrown when the demo stops without having done anything (objects of the user's in the way). */
export class DemoRefused extends Error {}

class Interrupted extends Error {}

/** The package's `manifests/`, found upwards from this module (it runs from dist/src/demo or, in tests, src/demo). */
export function manifestsDir(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'manifests');
    if (fs.existsSync(path.join(candidate, 'liveness.yaml')) && fs.existsSync(path.join(dir, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(start, '../../../manifests');
  }
}

/**
 * Where a printed command finds a manifest: `manifests/x.yaml` from the checkout's root, else the path of
 * the installed package's copy (a user who installed mini-kube has no `manifests/` of their own).
 */
export function manifestPath(file: string, cwd = process.cwd()): string {
  const full = path.join(manifestsDir(), file);
  const rel = path.relative(cwd, full);
  return rel.startsWith('..') || path.isAbsolute(rel) ? full : rel;
}

/** Bold and cyan on a terminal; plain text into a file or pipe, and with NO_COLOR (no-color.org). */
export function styles(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): { bold(s: string): string; cyan(s: string): string } {
  const color = !!(out as NodeJS.WriteStream).isTTY && !env['NO_COLOR'];
  return {
    bold: (s) => (color ? `\x1b[1m${s}\x1b[0m` : s),
    cyan: (s) => (color ? `\x1b[36m${s}\x1b[0m` : s),
  };
}

export async function runDemo(opts: DemoOptions = {}): Promise<void> {
  const lang: Lang = pickLang(opts.lang);
  const t = messages(lang);
  const out = opts.out ?? process.stdout;
  const say = (line = '') => out.write(line + '\n');
  const progress = new Progress(out);
  const { bold, cyan } = styles(out);
  const step = (title: string) => say(`\n${bold(`== ${title}`)}`);
  const command = (cmd: string) => say(cyan(`$ ${cmd}`));

  say(bold(t.title));
  if (opts.fast) say(t.fast);

  progress.start(t.image);
  const image = await buildSampleImage({ log: () => {} });
  progress.stop(t.imageReady(image.built ? `built, ${image.method}` : 'already present'));

  const conn = await connect(resolveHome(), (line) => say(line));
  const client = conn.client;
  say(t.controlPlane(conn.state.url));

  const objects = loadManifests(!!opts.fast);
  const taken = await existing(client, objects.all);
  if (taken.length > 0) {
    client.close();
    throw new DemoRefused(t.alreadyThere(taken, ['liveness.yaml', 'healthcheck.yaml', 'svc.yaml'].map((f) => `-f ${manifestPath(f)}`).join(' ')));
  }

  // Ctrl-C: stop the steps at their next await, delete what was created, then exit 130. A second
  // Ctrl-C quits at once (the default handler is back by then).
  let interrupted = false;
  const created: KubeObject[] = [];
  const ctx: Ctx = { client, t, say, progress, command, step, check: () => { if (interrupted) throw new Interrupted(); } };
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= (async () => {
    progress.stop();
    step(t.cleanup);
    for (const file of ['svc.yaml', 'healthcheck.yaml', 'liveness.yaml']) command(`mini-kube delete -f ${manifestPath(file)}`);
    const deleteAll = () => Promise.all(objects.all.map((o) =>
      client.delete(o.kind as Kind, 'default', o.metadata!.name!).catch(() => {})));
    await deleteAll();
    const left = async () => (await client.list<Pod>('Pod', { labelSelector: 'app in (liveness,healthcheck)' })).items.length;
    progress.start(t.waitGone(await left()));
    await waitFor(async () => {
      const n = await left();
      progress.update(t.waitGone(n));
      return n === 0;
    }, 120_000);
    // A step interrupted in the middle of an apply may have created its object after the first delete.
    await deleteAll();
    progress.stop(t.gone);
  })());
  const onSigint = () => {
    interrupted = true;
    progress.stop();
    say(`\n${t.interrupted}`);
    void cleanup().then(() => process.exit(130), () => process.exit(130));
  };
  process.once('SIGINT', onSigint);

  try {
    await livenessPart(ctx, objects.liveness, created);
    await readinessPart(ctx, [...objects.healthcheck, ...objects.svc], created);
  } catch (err) {
    if (err instanceof Interrupted) return new Promise<void>(() => {}); // the SIGINT handler exits
    throw err;
  } finally {
    if (!interrupted) {
      await cleanup();
      process.removeListener('SIGINT', onSigint);
      client.close();
    }
  }
  say(`\n${t.done}`);
}

interface Ctx {
  client: ApiClient;
  t: Messages;
  say(line?: string): void;
  progress: Progress;
  command(cmd: string): void;
  step(title: string): void;
  /** throws once Ctrl-C was pressed */
  check(): void;
}

async function livenessPart(ctx: Ctx, objs: KubeObject[], created: KubeObject[]): Promise<void> {
  const { client, t, say, command } = ctx;
  ctx.step(t.livenessTitle);
  say(t.applyLiveness);
  command(`mini-kube apply -f ${manifestPath('liveness.yaml')}`);
  await applyAll(ctx, objs, created);
  await waitPods(ctx, 'app=liveness', 3, 'running', t.waitRunning);
  command('mini-kube get pod');
  say(await getPodTable(client, 'app=liveness'));
  say(t.threeRunning);

  const first = (await podNames(client, 'app=liveness'))[0]!;
  say(t.removeFile(first));
  command(`mini-kube exec ${first} -- rm /tmp/healthcheck`);
  await execQuiet(client, first, ['rm', '/tmp/healthcheck']);
  // The kubelet counts consecutive failures; at failureThreshold (3) it kills the container, and the
  // pod's restartPolicy (Always) starts a new one from the image, which has the file again.
  await narrateKubelet(ctx, first, 'Liveness probe failed', t.probeFailures,
    async () => {
      const pod = await client.get<Pod>('Pod', 'default', first);
      return restartsOf(pod) >= 1 && isPodReady(pod);
    });
  command('mini-kube get pod');
  say(await getPodTable(client, 'app=liveness'));
  say(t.restarted(first));
  say(t.onlyThatPod);
}

async function readinessPart(ctx: Ctx, objs: KubeObject[], created: KubeObject[]): Promise<void> {
  const { client, t, say, command, progress } = ctx;
  ctx.step(t.readinessTitle);
  say(t.applyReadiness);
  command(`mini-kube apply -f ${manifestPath('healthcheck.yaml')}`);
  await applyAll(ctx, objs.filter((o) => o.kind === 'Deployment'), created);
  command(`mini-kube apply -f ${manifestPath('svc.yaml')}`);
  await applyAll(ctx, objs.filter((o) => o.kind === 'Service'), created);
  await waitPods(ctx, 'app=healthcheck', 3, 'ready', t.waitReady);
  command('mini-kube get pod');
  say(await getPodTable(client, 'app=healthcheck'));
  command('mini-kube get svc mysvc');
  say(printTable(await client.table('Service', { name: 'mysvc' }), { wide: false }).trimEnd());

  const svc = await client.get<Service>('Service', 'default', 'mysvc');
  const nodePort = svc.spec?.ports?.[0]?.nodePort;
  const url = `http://127.0.0.1:${nodePort}/`;
  say(t.requests(url));
  await curl(ctx, url, 6);

  const target = (await podNames(client, 'app=healthcheck'))[0]!;
  say(t.removeReadiness(target));
  command(`mini-kube exec -it ${target} -- rm /tmp/healthcheck`);
  await execQuiet(client, target, ['rm', '/tmp/healthcheck']);
  await narrateKubelet(ctx, target, 'Readiness probe failed', t.readinessFailures,
    async () => !isPodReady(await client.get<Pod>('Pod', 'default', target)));
  say(t.markedNotReady(target));
  command('mini-kube get pod');
  say(await getPodTable(client, 'app=healthcheck'));
  command('mini-kube get ep mysvc');
  say(printTable(await client.table('Endpoints', { name: 'mysvc' }), { wide: false }).trimEnd());
  say(t.notReady(target));
  const answers = await curl(ctx, url, 9);
  say(t.noTrafficTo(target, answers.filter((a) => a.startsWith('200') && !a.includes(target)).length, answers.length));

  say(t.touchBack(target));
  command(`mini-kube exec ${target} -- touch /tmp/healthcheck`);
  await execQuiet(client, target, ['touch', '/tmp/healthcheck']);
  progress.start(t.waitBack(target));
  await waitFor(ctx, async () => isPodReady(await client.get<Pod>('Pod', 'default', target)), 60_000);
  progress.stop(t.backReady(target));
  command('mini-kube get pod');
  say(await getPodTable(client, 'app=healthcheck'));
  say(t.rejoined(target));
  await curl(ctx, url, 6);
}

function loadManifests(fast: boolean): { liveness: KubeObject[]; healthcheck: KubeObject[]; svc: KubeObject[]; all: KubeObject[] } {
  const dir = manifestsDir();
  const read = (file: string) => parseManifests(fs.readFileSync(path.join(dir, file), 'utf8'), file).objects.map((m) => {
    const obj = m.object;
    if (fast) shortenProbes(obj);
    return obj;
  });
  const liveness = read('liveness.yaml');
  const healthcheck = read('healthcheck.yaml');
  const svc = read('svc.yaml');
  return { liveness, healthcheck, svc, all: [...liveness, ...healthcheck, ...svc] };
}

/** --fast: probes start after 1 s and run every second, so each part takes seconds, not half a minute. */
function shortenProbes(obj: KubeObject): void {
  const containers = ((obj['spec'] as { template?: { spec?: { containers?: Record<string, unknown>[] } } })?.template?.spec?.containers) ?? [];
  for (const c of containers) {
    for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const p = c[key] as { initialDelaySeconds?: number; periodSeconds?: number } | undefined;
      if (p) {
        p.initialDelaySeconds = 1;
        p.periodSeconds = 1;
      }
    }
  }
}

/** The tutorial's objects that already exist (kind/name), which the demo must not overwrite or delete. */
async function existing(client: ApiClient, objs: KubeObject[]): Promise<string[]> {
  const found: string[] = [];
  for (const o of objs) {
    if (await client.tryGet(o.kind as Kind, 'default', o.metadata!.name!)) found.push(displayName(o.kind as Kind, o.metadata!.name!));
  }
  return found;
}

async function applyAll(ctx: Ctx, objects: KubeObject[], created: KubeObject[]): Promise<void> {
  for (const o of objects) {
    ctx.check();
    const r = await applyObject(ctx.client, o);
    created.push(o);
    ctx.say(`${displayName(r.kind, r.name)} ${r.action}`);
  }
}

async function podNames(client: ApiClient, selector: string): Promise<string[]> {
  const pods = await client.list<Pod>('Pod', { labelSelector: selector });
  return pods.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
}

async function getPodTable(client: ApiClient, selector: string): Promise<string> {
  return printTable(await client.table('Pod', { labelSelector: selector }), { wide: false }).trimEnd();
}

function restartsOf(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

async function waitPods(ctx: Ctx, selector: string, want: number, what: 'running' | 'ready',
  text: (n: number, total: number) => string): Promise<void> {
  ctx.progress.start(text(0, want));
  await waitFor(ctx, async () => {
    const pods = (await ctx.client.list<Pod>('Pod', { labelSelector: selector })).items.filter((p) => !p.metadata.deletionTimestamp);
    const n = pods.filter((p) => (what === 'ready' ? isPodReady(p) : p.status?.phase === 'Running')).length;
    ctx.progress.update(text(n, want));
    return n >= want && pods.length === want;
  }, 180_000);
  ctx.progress.stop(text(want, want));
}

/**
 * Waits for `done` while telling what the kubelet does, from its Events on the pod: each probe failure
 * (Unhealthy, counted against failureThreshold), the kill (Killing), the new container (Created,
 * Started). Events are aggregated (count goes up), so it follows each event's count.
 */
async function narrateKubelet(ctx: Ctx, pod: string, failPrefix: string,
  text: (n: number, threshold: number) => string, done: () => Promise<boolean>): Promise<void> {
  const { client, progress, t } = ctx;
  const threshold = 3;
  const seen = new Map<string, number>();
  const snapshot = async () => (await client.list<Event>('Event', { fieldSelector: `involvedObject.name=${pod}` })).items;
  for (const e of await snapshot()) seen.set(e.metadata.name, e.count ?? 1);
  let failures = 0;
  let lastMessage = '';
  // The kubelet acts only after `threshold` consecutive failures, but an aggregated event's count can
  // be written after the action it led to (a busy machine): the action then stands for the rest.
  const reachThreshold = () => {
    while (failures < threshold) {
      failures++;
      progress.note(`✗ ${text(failures, threshold)}${lastMessage ? `: ${lastMessage}` : ''}`);
    }
  };
  progress.start(text(0, threshold));
  await waitFor(ctx, async () => {
    const events = (await snapshot()).sort((a, b) => eventTime(a) - eventTime(b));
    for (const e of events) {
      const count = e.count ?? 1;
      const before = seen.get(e.metadata.name) ?? 0;
      if (count <= before) continue;
      seen.set(e.metadata.name, count);
      if (e.reason === 'Unhealthy' && e.message?.startsWith(failPrefix)) {
        // Past the threshold the kubelet keeps probing (readiness), but the story is told.
        lastMessage = e.message.trim();
        for (let i = before; i < count && failures < threshold; i++) {
          failures++;
          progress.note(`✗ ${text(failures, threshold)}: ${lastMessage}`);
        }
      } else if (e.reason === 'Killing') {
        reachThreshold();
        progress.note(`⚡ ${t.killing((e.message ?? '').trim())}`);
      } else if (e.reason === 'Started' || e.reason === 'Created' || e.reason === 'Pulled') {
        progress.note(`↻ ${t.kubeletEvent(e.reason, (e.message ?? '').trim())}`);
      }
    }
    if (!(await done())) return false;
    reachThreshold();
    return true;
  }, 180_000);
  progress.stop();
}

function eventTime(e: Event): number {
  return Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '') || 0;
}

async function execQuiet(client: ApiClient, pod: string, command: string[]): Promise<void> {
  const code = await execInPod(client, { namespace: 'default', pod, command, stdin: false, tty: false }, { stdout: () => {}, stderr: () => {} });
  if (code !== 0) throw new Error(`command "${command.join(' ')}" in ${pod} exited with ${code}`);
}

/** Sends n requests through the nodePort (one connection each, as curl does) and prints who answered. */
async function curl(ctx: Ctx, url: string, n: number): Promise<string[]> {
  ctx.command(`for i in $(seq ${n}); do curl -s ${url}; echo; done`);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    ctx.check();
    const line = await new Promise<string>((resolve) => {
      http.get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
      }).on('error', (err) => resolve(`error: ${err.message}`));
    });
    out.push(line);
    ctx.say(`  ${line.replace(/^200 /, '')}`);
  }
  return out;
}

async function waitFor(ctx: Ctx | undefined, check: () => Promise<boolean>, timeoutMs: number): Promise<void>;
async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void>;
async function waitFor(a: Ctx | undefined | (() => Promise<boolean>), b: (() => Promise<boolean>) | number, c?: number): Promise<void> {
  const ctx = typeof a === 'function' ? undefined : a;
  const check = typeof a === 'function' ? a : b as () => Promise<boolean>;
  const timeoutMs = typeof a === 'function' ? b as number : c!;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    ctx?.check();
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s`);
}
