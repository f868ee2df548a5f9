// `mini-kube demo`: the tutorial's two sections, step by step, on the real engine. Every step prints the
// command a student would type and its real output; while it waits it says what the kubelet is doing.
// It uses the same core as the CLI (API client, apply, printers) and cleans up, also on Ctrl-C.
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../client/api-client.js';
import { applyObject, displayName } from '../client/apply.js';
import { connect } from '../client/connect.js';
import { resolveHome } from '../control-plane/home.js';
import type { Event, Pod, Service } from '../kube/types.js';
import { parseManifests } from '../manifests/index.js';
import { printTable } from '../printers/tabwriter.js';
import { buildSampleImage } from '../runtime/sample-image.js';
import { execInPod } from '../client/exec.js';
import type { KubeObject, Stored } from '../store/store.js';
import { messages, pickLang, type Lang } from './messages.js';
import { Progress } from './progress.js';

export interface DemoOptions {
  lang?: string;
  fast?: boolean;
  out?: NodeJS.WritableStream;
}

const MANIFESTS = ['liveness.yaml', 'healthcheck.yaml', 'svc.yaml'];

export function manifestsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../manifests');
}

export async function runDemo(opts: DemoOptions = {}): Promise<void> {
  const lang: Lang = pickLang(opts.lang);
  const t = messages(lang);
  const out = opts.out ?? process.stdout;
  const say = (line = '') => out.write(line + '\n');
  const progress = new Progress(out);
  const step = (title: string) => say(`\n\x1b[1m== ${title}\x1b[0m`);
  const command = (cmd: string) => say(`\x1b[36m$ ${cmd}\x1b[0m`);

  say(`\x1b[1m${t.title}\x1b[0m`);
  if (opts.fast) say(t.fast);

  progress.start(t.image);
  const image = await buildSampleImage({ log: () => {} });
  progress.stop(t.imageReady(image.built ? `built, ${image.method}` : 'already present'));

  const conn = await connect(resolveHome(), (line) => say(line));
  const client = conn.client;
  say(t.controlPlane(conn.state.url));

  const objects = loadManifests(!!opts.fast);
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= (async () => {
    progress.stop();
    step(t.cleanup);
    for (const file of [...MANIFESTS].reverse()) command(`mini-kube delete -f manifests/${file}`);
    await Promise.all(objects.all.map((o) => client.delete(o.kind as 'Deployment', 'default', o.metadata!.name!).catch(() => {})));
    await waitFor(async () => (await client.list<Pod>('Pod', { labelSelector: 'app in (liveness,healthcheck)' })).items.length === 0, 120_000);
  })());
  const onSigint = () => {
    say(`\n${t.interrupted}`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);

  try {
    // ---- Part 1: liveness ----
    step(t.livenessTitle);
    say(t.applyLiveness);
    command('mini-kube apply -f manifests/liveness.yaml');
    await applyAll(client, objects.liveness, say);
    await waitPods(client, 'app=liveness', 3, 'running', progress, t.waitRunning);
    command('mini-kube get pod');
    say(await getPodTable(client, 'app=liveness'));
    say(t.threeRunning);

    const first = (await podNames(client, 'app=liveness'))[0]!;
    say(t.removeFile(first));
    command(`mini-kube exec -t ${first} rm /tmp/healthcheck`);
    await execQuiet(client, first, ['rm', '/tmp/healthcheck']);
    const threshold = 3;
    await waitWithEvents(client, first, 'Liveness probe failed', threshold, progress, t.probeFailures,
      async () => restartsOf(await client.get<Pod>('Pod', 'default', first)) >= 1);
    say(t.killing);
    await waitFor(async () => isReady(await client.get<Pod>('Pod', 'default', first)), 60_000);
    command('mini-kube get pod');
    say(await getPodTable(client, 'app=liveness'));
    say(t.restarted(first));
    say(t.onlyThatPod);

    // ---- Part 2: readiness ----
    step(t.readinessTitle);
    say(t.applyReadiness);
    command('mini-kube apply -f manifests/healthcheck.yaml');
    await applyAll(client, objects.healthcheck, say);
    command('mini-kube apply -f manifests/svc.yaml');
    await applyAll(client, objects.svc, say);
    await waitPods(client, 'app=healthcheck', 3, 'ready', progress, t.waitReady);
    command('mini-kube get pod');
    say(await getPodTable(client, 'app=healthcheck'));
    command('mini-kube get svc mysvc');
    say(printTable(await client.table('Service', { name: 'mysvc' }), { wide: false }).trimEnd());

    const svc = await client.get<Service>('Service', 'default', 'mysvc');
    const nodePort = svc.spec?.ports?.[0]?.nodePort;
    const url = `http://127.0.0.1:${nodePort}/`;
    say(t.requests(url));
    command(`curl ${url}   # x6`);
    for (const line of await requests(url, 6)) say(`  ${line}`);

    const target = (await podNames(client, 'app=healthcheck'))[0]!;
    say(t.removeReadiness(target));
    command(`mini-kube exec -it ${target} -- rm /tmp/healthcheck`);
    await execQuiet(client, target, ['rm', '/tmp/healthcheck']);
    await waitWithEvents(client, target, 'Readiness probe failed', 3, progress, t.readinessFailures,
      async () => !isReady(await client.get<Pod>('Pod', 'default', target)));
    command('mini-kube get pod');
    say(await getPodTable(client, 'app=healthcheck'));
    command('mini-kube get ep mysvc');
    say(printTable(await client.table('Endpoints', { name: 'mysvc' }), { wide: false }).trimEnd());
    say(t.notReady(target));
    command(`curl ${url}   # x9`);
    const answers = await requests(url, 9);
    for (const line of answers) say(`  ${line}`);
    say(t.noTrafficTo(target, answers.filter((a) => !a.includes(target)).length));

    say(t.touchBack(target));
    command(`mini-kube exec ${target} -- touch /tmp/healthcheck`);
    await execQuiet(client, target, ['touch', '/tmp/healthcheck']);
    progress.start(t.waitReady(2, 3));
    await waitFor(async () => isReady(await client.get<Pod>('Pod', 'default', target)), 60_000);
    progress.stop();
    command('mini-kube get pod');
    say(await getPodTable(client, 'app=healthcheck'));
    say(t.rejoined(target));
    command(`curl ${url}   # x6`);
    for (const line of await requests(url, 6)) say(`  ${line}`);
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSigint);
    client.close();
  }
  say(`\n${t.done}`);
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

async function applyAll(client: ApiClient, objects: KubeObject[], say: (l: string) => void): Promise<void> {
  for (const o of objects) {
    const r = await applyObject(client, o);
    say(`${displayName(r.kind, r.name)} ${r.action}`);
  }
}

async function podNames(client: ApiClient, selector: string): Promise<string[]> {
  const pods = await client.list<Pod>('Pod', { labelSelector: selector });
  return pods.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
}

async function getPodTable(client: ApiClient, selector: string): Promise<string> {
  return printTable(await client.table('Pod', { labelSelector: selector }), { wide: false }).trimEnd();
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function restartsOf(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

async function waitPods(client: ApiClient, selector: string, want: number, what: 'running' | 'ready', progress: Progress,
  text: (n: number, total: number) => string): Promise<void> {
  progress.start(text(0, want));
  await waitFor(async () => {
    const pods = (await client.list<Pod>('Pod', { labelSelector: selector })).items.filter((p) => !p.metadata.deletionTimestamp);
    const n = pods.filter((p) => (what === 'ready' ? isReady(p) : p.status?.phase === 'Running')).length;
    progress.update(text(n, want));
    return n >= want && pods.length === want;
  }, 180_000);
  progress.stop(text(want, want));
}

/** Waits for `done`, narrating the kubelet's probe failures (Unhealthy events) against the threshold. */
async function waitWithEvents(client: ApiClient, pod: string, prefix: string, threshold: number, progress: Progress,
  text: (n: number, threshold: number) => string, done: () => Promise<boolean>): Promise<void> {
  const count = async () => {
    const events = await client.list<Event>('Event', { fieldSelector: `involvedObject.name=${pod}` });
    return events.items.filter((e) => e.message?.startsWith(prefix)).reduce((n, e) => n + (e.count ?? 1), 0);
  };
  const base = await count();
  progress.start(text(0, threshold));
  let last = 0;
  await waitFor(async () => {
    const n = Math.min(threshold, (await count()) - base);
    if (n !== last) {
      last = n;
      progress.stop(text(n, threshold));
      progress.start(text(n, threshold));
    }
    return done();
  }, 180_000);
  progress.stop(text(threshold, threshold));
}

async function execQuiet(client: ApiClient, pod: string, command: string[]): Promise<void> {
  const code = await execInPod(client, { namespace: 'default', pod, command, stdin: false, tty: false }, { stdout: () => {}, stderr: () => {} });
  if (code !== 0) throw new Error(`command "${command.join(' ')}" in ${pod} exited with ${code}`);
}

/** Sends n requests through the nodePort (one connection each, as curl does) and reports who answered. */
async function requests(url: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await new Promise<string>((resolve) => {
      http.get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
      }).on('error', (err) => resolve(`error: ${err.message}`));
    }));
  }
  return out;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s`);
}

export type { Stored };
