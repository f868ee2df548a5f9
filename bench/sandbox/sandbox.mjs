// What the pod sandbox costs (docs/decisions/110): starting a pod's container with its sandbox (create +
// start the sandbox, then create + start the container in its network namespace) against the same
// container started alone on the network (mini-kube before the sandbox) and against `docker run -d`, in
// interleaved rounds so they share the machine's state; then the sandbox image's size and the
// memory a running sandbox takes (RSS of its processes, and its cgroup's usage without page cache).
//   npx tsc -p tsconfig.json && node bench/sandbox/sandbox.mjs [N]
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { DockerRuntime } from '../../dist/src/runtime/docker.js';
import { buildSampleImage, SAMPLE_IMAGE } from '../../dist/src/runtime/sample-image.js';
import { SANDBOX_IMAGE } from '../../dist/src/runtime/sandbox-image.js';
import { POD_FILES_WRITTEN, POD_IP, sandboxCommand } from '../../dist/src/kubelet/pod-sandbox.js';

const N = Number(process.argv[2] ?? 15);
const run = promisify(execFile);
const docker = async (...args) => (await run('docker', args)).stdout.trim();
const MARK = { 'io.mini-kube.bench': `sandbox-${process.pid}` };
const NETWORK = `mk-bench-sandbox-${process.pid}`;

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p90: at(0.9), min: s[0], max: s[s.length - 1] };
}

const runtime = new DockerRuntime();
await buildSampleImage();
await runtime.ensureSandboxImage();
await runtime.ensureNetwork(NETWORK, MARK);

let n = 0;
const spec = (extra) => ({
  name: `mk-bench-sandbox-${process.pid}-${n++}`, image: SAMPLE_IMAGE, env: [], hostname: 'bench', labels: MARK,
  ports: [{ containerPort: 8080, protocol: 'TCP' }], network: NETWORK, publishPorts: false, ...extra,
});

async function alone() {
  const id = await runtime.createContainer(spec());
  await runtime.startContainer(id);
}
// as the kubelet does it: the sandbox starts while the container is created in it
async function withSandbox() {
  const sandbox = await runtime.createContainer(spec({ image: SANDBOX_IMAGE }));
  const [, id] = await Promise.all([runtime.startContainer(sandbox), runtime.createContainer(spec({ sandboxId: sandbox, ports: [] }))]);
  await runtime.startContainer(id);
}
// what the kubelet does: the sandbox writes the pod's resolv.conf and hosts, the container starts after
const FILES = sandboxCommand('nameserver 10.0.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
  `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n${POD_IP}\tbench\n`);
async function asTheKubelet() {
  const sandbox = await runtime.createContainer(spec({ image: SANDBOX_IMAGE, command: FILES }));
  const [, id] = await Promise.all([runtime.startContainerUntilLine(sandbox, POD_FILES_WRITTEN, 30_000), runtime.createContainer(spec({ sandboxId: sandbox, ports: [] }))]);
  await runtime.startContainer(id);
}
async function dockerRun() {
  await docker('run', '-d', '--init', '--network', NETWORK, '--label', `io.mini-kube.bench=${MARK['io.mini-kube.bench']}`, SAMPLE_IMAGE);
}

const subjects = [
  ['container alone (no sandbox)', alone, []],
  ['sandbox + container', withSandbox, []],
  ['sandbox writing pod files + container', asTheKubelet, []],
  ['docker run -d (CLI)', dockerRun, []],
];
try {
  await alone(); await withSandbox(); await asTheKubelet(); await dockerRun(); // warm-up, not counted
  for (let i = 0; i < N; i++) {
    for (const [, fn, times] of subjects) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
  }
  const base = stats(subjects[0][2]).median;
  console.log(`start latency, ${N} rounds, create to running (ms):`);
  for (const [label, , times] of subjects) {
    const s = stats(times);
    console.log(`  ${label.padEnd(30)} median ${s.median.toFixed(0).padStart(5)}  p90 ${s.p90.toFixed(0).padStart(5)}  min ${s.min.toFixed(0).padStart(5)}  max ${s.max.toFixed(0).padStart(5)}  ratio ${(s.median / base).toFixed(2)}`);
  }

  const size = Number(await docker('image', 'inspect', '-f', '{{.Size}}', SANDBOX_IMAGE));
  console.log(`sandbox image ${SANDBOX_IMAGE}: ${(size / 1024).toFixed(0)} KiB`);
  const sandboxes = (await runtime.listContainers(MARK)).filter((c) => c.image === SANDBOX_IMAGE && c.running);
  const rss = [];
  const cgroup = [];
  for (const c of sandboxes) {
    const pids = (await docker('top', c.id, '-eo', 'pid')).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    let kb = 0;
    for (const pid of pids) kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    rss.push(kb);
    const st = await runtime.docker.getContainer(c.id).stats({ stream: false });
    const m = st.memory_stats ?? {};
    cgroup.push(((m.usage ?? 0) - (m.stats?.cache ?? m.stats?.inactive_file ?? 0)) / 1024);
  }
  const r = stats(rss), g = stats(cgroup);
  console.log(`memory per running sandbox, ${sandboxes.length} sandboxes (KiB): RSS of its processes (docker-init + busybox sleep) median ${r.median} max ${r.max}; cgroup usage less page cache median ${g.median.toFixed(0)} max ${g.max.toFixed(0)}`);
} finally {
  const mine = await runtime.listContainers(MARK);
  await Promise.all(mine.map((c) => runtime.removeContainer(c.id).catch(() => {})));
  // Runtime.removeNetwork removes only the cluster networks it labels itself: this one goes by name
  await docker('network', 'rm', NETWORK).catch(() => {});
}
