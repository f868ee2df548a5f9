// One measurement of cost.mjs, in a process of its own so that its CPU is the probe path's and nothing
// else's (the control plane, the API server and the kubelet live in the parent). Reads the pods (with
// their status) as JSON on stdin, prints {cpuMs, n, seconds} as JSON.
//   mode exec | httpGet | tcpSocket: the kubelet's ProbeManager + DockerRuntime, one readiness probe
//     per container, 1 s period, counted by Prober.probesRun;
//   mode dockerode: the same exec command at the same rate through a bare dockerode client;
//   mode cli: `docker exec` processes (their CPU from /proc/self/stat cutime+cstime).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { ProbeManager } from '../../dist/src/probes/manager.js';
import { DockerRuntime } from '../../dist/src/runtime/docker.js';

const [mode, secondsArg, rateArg] = process.argv.slice(2);
const SECONDS = Number(secondsArg);
const EXEC_CMD = ['cat', 'tmp/healthcheck'];
const ACTIONS = {
  exec: { exec: { command: EXEC_CMD } },
  httpGet: { httpGet: { path: '/readiness', port: 8080 } },
  tcpSocket: { tcpSocket: { port: 8080 } },
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpuMs = (from) => { const d = process.cpuUsage(from); return (d.user + d.system) / 1000; };
const pods = JSON.parse(readFileSync(0, 'utf8'));
const ids = pods.map((p) => p.status.containerStatuses[0].containerID.replace('docker://', ''));
const out = (o) => process.stdout.write(JSON.stringify(o));

if (ACTIONS[mode]) {
  const byUid = new Map(pods.map((p) => [p.metadata.uid, p]));
  const mgr = new ProbeManager({
    runtime: new DockerRuntime(), getPod: (uid) => byUid.get(uid), onUpdate: () => {}, recordEvent: () => {},
    onError: (err) => console.error(err),
  });
  for (const p of pods) {
    const withProbe = structuredClone(p);
    withProbe.spec.containers[0].readinessProbe = { ...ACTIONS[mode], periodSeconds: 1, timeoutSeconds: 5 };
    mgr.addPod(withProbe);
  }
  await sleep(2_500); // the start jitter spreads the first probes over a period; settle first
  const n0 = mgr.probesRun;
  const cpu = process.cpuUsage();
  await sleep(SECONDS * 1000);
  out({ cpuMs: cpuMs(cpu), n: mgr.probesRun - n0, seconds: SECONDS });
  mgr.stop();
  await sleep(500);
  process.exit(0);
}

// Paced runs: `rate` per second over the containers, for SECONDS; waits for the stragglers.
async function paced(fn, rate) {
  let n = 0;
  const inflight = new Set();
  const start = Date.now();
  for (let k = 0; k < rate * SECONDS; k++) {
    const at = start + (k * 1000) / rate;
    if (at > Date.now()) await sleep(at - Date.now());
    const p = fn(ids[k % ids.length]).then(() => { n++; }, () => {}).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  return n;
}

if (mode === 'dockerode') {
  const docker = new Docker();
  const plainExec = async (id) => {
    const exec = await docker.getContainer(id).exec({ Cmd: EXEC_CMD, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise((resolve) => {
      stream.on('data', () => {});
      stream.once('end', resolve); stream.once('close', resolve); stream.once('error', resolve);
    });
    return (await exec.inspect()).ExitCode;
  };
  const cpu = process.cpuUsage();
  const n = await paced(plainExec, Number(rateArg));
  out({ cpuMs: cpuMs(cpu), n, seconds: SECONDS });
} else if (mode === 'cli') {
  const ticks = () => { const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' '); return Number(f[13]) + Number(f[14]); };
  const before = ticks();
  const cpu = process.cpuUsage();
  const n = await paced((id) => new Promise((resolve) => execFile('docker', ['exec', id, ...EXEC_CMD], () => resolve())), Number(rateArg));
  // USER_HZ is 100 on Linux: ticks of 10 ms.
  out({ cpuMs: (ticks() - before) * 10, nodeCpuMs: cpuMs(cpu), n, seconds: SECONDS });
}
