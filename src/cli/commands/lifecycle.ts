// `up`, `down` and `status`: running the control plane in the foreground or the background, stopping
// it (with its containers), and saying whether it and the Docker engine answer.
import { Option, type Command } from 'commander';
import { clientFor, healthy, runningState, startInBackground } from '../../client/connect.js';
import { clearState, homePaths, loadConfig, pidAlive, readState, saveConfig } from '../../control-plane/home.js';
import { fetchLoginUrl } from '../../dashboard/login.js';
import { action, CliError, home } from '../context.js';
import { engineAnswers, engineDownLine } from '../engine.js';
import { nodesFromFlags, type NodeFlags } from './node.js';
import { nodeNames } from '../../kube/node.js';

// The control plane, dockerode and the dashboard are loaded where they run (the foreground `up`, `down`'s
// clean-up, `status`'s ping), not by `up -d`, which only spawns the daemon and waits for its API.
const controlPlane = () => import('../../control-plane/control-plane.js');
const dockerRuntime = async () => new (await import('../../runtime/docker.js')).DockerRuntime();
// The kubeconfig merge (yaml: 72 modules) is loaded where a kubeconfig is written, not by the daemon.
const mergeIntoUserKubeconfig = async (...a: Parameters<typeof import('./kubeconfig.js').mergeIntoUserKubeconfig>) =>
  (await import('./kubeconfig.js')).mergeIntoUserKubeconfig(...a);
const removeFromUserKubeconfig = async (...a: Parameters<typeof import('./kubeconfig.js').removeFromUserKubeconfig>) =>
  (await import('./kubeconfig.js')).removeFromUserKubeconfig(...a);

interface UpOptions extends NodeFlags {
  detach?: boolean;
  foregroundDaemon?: boolean;
  allowPrivileged?: boolean;
  port?: string;
  kubeconfig?: boolean;
  publishPorts?: boolean;
  nodePortAddress?: string;
}

export function registerLifecycle(program: Command): void {
  program.command('up')
    .description('start the control plane (foreground; -d for background)')
    .option('-d, --detach', 'run in the background')
    .option('--allow-privileged', 'accept manifests that would hand a container the machine (privileged, hostPath, ...)')
    .option('--port <port>', 'API server port (default: the one this home used before, else a free one)')
    .option('--publish-ports', 'reach pods through ports published on 127.0.0.1 instead of their IPs (as on Docker Desktop)')
    .option('--node-port-address <addr>', 'address the NodePort listeners bind (default 127.0.0.1)')
    .option('--no-kubeconfig', 'do not merge a mini-kube context into the kubeconfig')
    .option('--nodes <n>', 'simulate N nodes (mini-kube, mini-kube-m02, ...), each with 1/N of the machine; kept for later `up`s')
    .option('--node-labels <node:k=v,...>', 'labels for one node, e.g. mini-kube-m02:topology.kubernetes.io/zone=b (repeatable)', collect, [])
    .option('--node-capacity <node:cpu=..,memory=..>', 'capacity of one node instead of its share, e.g. mini-kube:cpu=2,memory=2Gi (repeatable)', collect, [])
    .addOption(hidden('--foreground-daemon'))
    .action(action(async (opts: UpOptions) => {
      const h = home();
      const config = loadConfig(h);
      // Settings given to `up` are the home's from then on: `up` later brings the same cluster back.
      const nodes = nodesFromFlags(opts, nodeNames);
      if (nodes) {
        if (runningState(h) && !opts.foregroundDaemon) throw new CliError('--nodes, --node-labels and --node-capacity take effect on a new start: run `mini-kube down` first');
        config.nodes = nodes;
        saveConfig(h, config);
      }
      if (opts.publishPorts !== undefined || opts.nodePortAddress || opts.allowPrivileged) {
        if (opts.publishPorts) config.publishPorts = true;
        if (opts.nodePortAddress) config.nodePortAddress = opts.nodePortAddress;
        if (opts.allowPrivileged) config.allowPrivileged = true;
        saveConfig(h, config);
      }
      const existing = runningState(h);
      // Checked while the control plane starts: it starts anyway (it holds the pods and reconciles when
      // the engine answers), but the user learns now why pods would stay Pending.
      const engineUp = opts.foregroundDaemon ? Promise.resolve(true) : engineAnswers();
      const warnEngine = async () => {
        if (!(await engineUp)) process.stderr.write(`Warning: ${engineDownLine()}; pods stay Pending until it answers\n`);
      };
      // The daemon runs with --no-kubeconfig: the process the user started merges (and says so).
      const say = (line: string) => process.stdout.write(line + '\n');
      if (existing && !opts.foregroundDaemon) {
        refuseOtherPort(opts.port, existing);
        process.stdout.write(`mini-kube is already running (pid ${existing.pid}, ${existing.url})\n`);
        if (opts.kubeconfig !== false) await mergeIntoUserKubeconfig(h, existing.url, say);
        return warnEngine();
      }
      if (opts.detach) {
        // loaded while the daemon starts (this process only waits then), not after it answers
        if (opts.kubeconfig !== false) void import('./kubeconfig.js');
        const { state, started } = await startInBackground(h, { port: opts.port ? Number(opts.port) : undefined, kubeconfig: false });
        if (!started) {
          // another `up` on this home won the race: the same answer as when it had finished first
          refuseOtherPort(opts.port, state);
          process.stdout.write(`mini-kube is already running (pid ${state.pid}, ${state.url})\n`);
          if (opts.kubeconfig !== false) await mergeIntoUserKubeconfig(h, state.url, say);
          return warnEngine();
        }
        process.stdout.write(`mini-kube control plane started in the background (pid ${state.pid})\n`);
        process.stdout.write(`API server: ${state.url}   logs: ${homePaths(h).log}\n`);
        const client = clientFor(h, state);
        const dash = await fetchLoginUrl(client).catch(() => undefined);
        client.close();
        if (dash) process.stdout.write(`dashboard: ${dash}   (one-time login link; \`mini-kube dashboard\` prints a new one)\n`);
        if (opts.kubeconfig !== false) await mergeIntoUserKubeconfig(h, state.url, say);
        return warnEngine();
      }
      void warnEngine();
      await runForeground(h, opts);
    }));

  program.command('down')
    .description('stop the control plane and the containers it owns (objects are kept; --purge forgets them)')
    .option('--purge', 'also forget every applied object')
    .action(action(async (opts: { purge?: boolean }) => {
      const h = home();
      const state = readState(h);
      if (state && pidAlive(state.pid)) {
        process.kill(state.pid, 'SIGTERM');
        const deadline = Date.now() + 90_000;
        while (pidAlive(state.pid) && Date.now() < deadline) await sleep(100);
        if (pidAlive(state.pid)) throw new CliError(`the control plane (pid ${state.pid}) did not stop within 90s`);
        process.stdout.write(`mini-kube control plane stopped (pid ${state.pid})\n`);
      } else {
        clearState(h);
        // Killed without a chance to clean up (SIGKILL, reboot): its containers may still run.
        const removed = await removeLeftovers(h);
        process.stdout.write(removed ? `mini-kube was not running; removed ${removed} leftover container(s)\n` : 'mini-kube is not running\n');
      }
      if (opts.purge) {
        (await controlPlane()).purgeStore(h);
        process.stdout.write('every applied object was forgotten (--purge)\n');
        const volumes = await removePersistentVolumes(h);
        if (volumes) process.stdout.write(`removed ${volumes} docker volume(s) of PersistentVolumes\n`);
        await removeFromUserKubeconfig(h, (line) => process.stdout.write(line + '\n'));
      }
    }));

  program.command('status')
    .description('whether the control plane runs, its pid, API address, and whether Docker answers')
    .option('-o, --output <format>', 'json for machine-readable output')
    .action(action(async (opts: { output?: string }) => {
      const h = home();
      const state = runningState(h);
      let apiAnswers = false;
      if (state) {
        const client = clientFor(h, state);
        apiAnswers = await healthy(client);
        client.close();
      }
      const docker = await (await dockerRuntime()).ping().catch(() => false);
      const status = {
        home: h,
        running: !!state && apiAnswers,
        pid: state?.pid ?? null,
        apiServer: state?.url ?? null,
        startedAt: state?.startedAt ?? null,
        clusterId: state?.clusterId ?? loadConfig(h).clusterId,
        dockerEngine: docker ? 'reachable' : 'unreachable',
      };
      if (opts.output === 'json') {
        process.stdout.write(JSON.stringify(status, null, 2) + '\n');
      } else {
        process.stdout.write([
          `home:           ${status.home}`,
          `control plane:  ${status.running ? `running (pid ${status.pid})` : 'stopped'}`,
          `API server:     ${status.apiServer ?? '-'}`,
          `docker engine:  ${status.dockerEngine}`,
        ].join('\n') + '\n');
      }
      if (!status.running) process.exitCode = 3;
    }));
}

async function runForeground(h: string, opts: UpOptions): Promise<void> {
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const { startControlPlane } = await controlPlane();
  const { dashboardAddon } = await import('../../dashboard/addon.js');
  const cp = await startControlPlane({
    home: h,
    port: opts.port ? Number(opts.port) : undefined,
    allowPrivileged: opts.allowPrivileged,
    publishPorts: opts.publishPorts,
    log,
    dashboard: dashboardAddon,
  });
  log(`mini-kube is up: API ${cp.url} (home ${h}); stop with Ctrl-C or \`mini-kube down\``);
  if (cp.dashboard && !opts.foregroundDaemon) log(`dashboard: ${cp.dashboard.loginUrl()}   (one-time login link; \`mini-kube dashboard\` prints a new one)`);
  if (opts.kubeconfig !== false && !opts.foregroundDaemon) await mergeIntoUserKubeconfig(h, cp.url, log);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log(`${signal}: stopping the control plane and its containers`);
      void cp.stop({ removeContainers: true }).then(resolve, (err: Error) => { log(`shutdown: ${err.message}`); resolve(); });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  log('stopped');
  process.exit(0);
}

/** `down --purge`: the Docker volumes behind the cluster's PersistentVolumes go with the objects (by label only). */
async function removePersistentVolumes(h: string): Promise<number> {
  const runtime = await dockerRuntime();
  const { LABEL_CLUSTER } = await import('../../runtime/runtime.js');
  const { LABEL_PERSISTENT_VOLUME } = await import('../../kube/storage.js');
  if (!(await runtime.ping().catch(() => false))) return 0;
  const { clusterId } = loadConfig(h);
  return (await runtime.removeVolumes({ [LABEL_CLUSTER]: clusterId }, LABEL_PERSISTENT_VOLUME)).length;
}

async function removeLeftovers(h: string): Promise<number> {
  const runtime = await dockerRuntime();
  const { LABEL_CLUSTER } = await import('../../runtime/runtime.js');
  const { removeContainers } = await import('../../runtime/remove-containers.js');
  if (!(await runtime.ping().catch(() => false))) return 0;
  const { clusterId } = loadConfig(h);
  const list = await runtime.listContainers({ [LABEL_CLUSTER]: clusterId });
  await removeContainers(runtime, list, 5);
  return list.length;
}

/**
 * `up --port N` on a cluster that runs on another port: refused rather than ignored, since whoever asked
 * for N (a script, a kubeconfig written by hand) would otherwise talk to nothing. Same port: no change.
 */
function refuseOtherPort(port: string | undefined, running: { pid: number; url: string }): void {
  if (port === undefined) return;
  const runningPort = new URL(running.url).port;
  if (runningPort === String(Number(port))) return;
  throw new CliError(`mini-kube is already running on port ${runningPort} (pid ${running.pid}); --port ${port} takes effect on a new start: run \`mini-kube down\` first`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function hidden(flags: string): Option {
  return new Option(flags).hideHelp();
}
