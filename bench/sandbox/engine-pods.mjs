// The engine's floor for N pods at once, without mini-kube: raw Engine API calls (no CLI, no control plane),
// what a pod costs the engine in mini-kube's shape (a sandbox on a user-defined bridge network, as the
// cluster's pod network is, then the app container joining its network namespace) against N plain
// containers on the default bridge (what `docker run -d` does), and the same pod shape with the sandbox on
// the default bridge (the cost of the user-defined network: the engine's embedded DNS resolver set up in
// each sandbox and the endpoint persisted in its store). Variants alternate round by round; each round
// starts N of them at once and times the last start's return. Medians.
//   node bench/sandbox/engine-pods.mjs [N=3] [rounds=5] [variant ...]
// It makes a network of its own (mk-bench-engine-pods-<pid>) and removes it and its containers (by label).
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const nums = args.filter((a) => /^\d+$/.test(a)).map(Number);
const N = nums[0] ?? 3;
const ROUNDS = nums[1] ?? 5;
const pick = args.filter((a) => !/^\d+$/.test(a));
const SOCKET = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
const NET = `mk-bench-engine-pods-${process.pid}`;
const LABELS = { 'io.mini-kube.bench': `engine-pods-${process.pid}` };
const APP = 'ondalk8s/healthcheck:v1';
const PAUSE = 'mini-kube/pause:1';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, socketPath: SOCKET, method, path, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => (res.statusCode >= 400 ? reject(new Error(`${method} ${path}: ${res.statusCode} ${data}`)) : resolve(data ? JSON.parse(data) : {})));
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}
const create = async (ids, body) => { const { Id } = await call('POST', '/containers/create', { Labels: LABELS, ...body }); ids.push(Id); return Id; };
const start = (id) => call('POST', `/containers/${id}/start`);
// mini-kube's sandbox: the pause image's busybox under docker-init (the pod-files script left out: it runs
// in the container, after the engine's start returned)
const sandbox = (network) => ({ Image: PAUSE, Cmd: ['/bin/busybox', 'sleep', '3600'], HostConfig: { NetworkMode: network, Init: true } });
const pod = (network) => async (ids) => {
  const s = await create(ids, sandbox(network));
  const a = await create(ids, { Image: APP, HostConfig: { NetworkMode: `container:${s}`, Init: true } });
  await start(s);
  await start(a);
};
const variants = {
  // what `docker run -d IMAGE` asks of the engine
  'container on the default bridge': async (ids) => start(await create(ids, { Image: APP, HostConfig: { NetworkMode: 'bridge' } })),
  'container on a user network': async (ids) => start(await create(ids, { Image: APP, HostConfig: { NetworkMode: NET, Init: true } })),
  'pod, sandbox on a user network (mini-kube)': pod(NET),
  'pod, sandbox on the default bridge': pod('bridge'),
};
const chosen = Object.entries(variants).filter(([k]) => !pick.length || pick.some((p) => k.includes(p)));

async function cleanup() {
  const list = await call('GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [`io.mini-kube.bench=${LABELS['io.mini-kube.bench']}`] }))}`).catch(() => []);
  await Promise.all(list.map((c) => call('DELETE', `/containers/${c.Id}?force=1`).catch(() => {})));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
console.log(`engine floor, ${N} at once, ${ROUNDS} rounds, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const watchdog = setTimeout(async () => { console.error('over the time budget'); await cleanup(); process.exit(2); }, 10 * 60_000);
await call('POST', '/networks/create', { Name: NET, Labels: LABELS });
const times = new Map(chosen.map(([k]) => [k, []]));
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, f] of chosen) {
      const ids = [];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: N }, () => f(ids)));
      times.get(k).push(performance.now() - t0);
      await cleanup();
    }
  }
} finally {
  await cleanup();
  await call('DELETE', `/networks/${NET}`).catch(() => {});
  clearTimeout(watchdog);
  agent.destroy();
}
const base = median(times.get('container on the default bridge') ?? [NaN]);
for (const [k, xs] of times) console.log(`${k.padEnd(44)} median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(' ')})${Number.isNaN(base) ? '' : `: ${(median(xs) / base).toFixed(2)}x`}`);
console.log(`(load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
