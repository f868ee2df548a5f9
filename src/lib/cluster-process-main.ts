// The process a library cluster's control plane runs in (docs/decisions/183): forked by
// cluster-process.ts with an IPC channel, it loads the control plane first (a spare one waits loaded),
// then starts one cluster when asked and answers the few calls the Cluster object cannot make over the
// API. It lives exactly as long as its parent: when the channel closes, for whatever reason (stop(), the
// test process exiting, a SIGKILL, a vitest worker whose main process died), it removes its containers
// and exits, so a library cluster cannot outlive the process that started it.
import * as fs from 'node:fs';
import { preloadControlPlane, startControlPlane, type ControlPlane } from '../control-plane/control-plane.js';
import { dashboardAddon } from '../dashboard/addon.js';
import { networkName, SHARED_NETWORK_LABELS } from '../runtime/network.js';
import { createDockerClient } from '../runtime/docker-client.js';
import { reapAbandoned, removeClusterResources, unregister } from './reaper.js';
import type { ChildMessage, ParentMessage, StartRequest } from './cluster-process-protocol.js';

// a spare waits with everything loaded: the control plane loads its components only once the API listens
const preloaded = Promise.all([preloadControlPlane(), import('../dashboard/server.js')]).catch(() => {});

let cp: ControlPlane | undefined;
let request: StartRequest | undefined;
let reaping: Promise<unknown> = Promise.resolve();
let stopping: Promise<void> | undefined;

function send(m: ChildMessage): void {
  if (process.connected) process.send!(m);
}

/** Stops the cluster, removes its containers (and the home it was given to own), once. */
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    if (cp) {
      await reaping;
      await cp.stop({ removeContainers: true }).catch(() => {});
      // whatever still carries this cluster's label goes, whatever happened above
      await removeClusterResources(cp.runtime, cp.clusterId, { volumes: request?.ownsHome });
    }
    if (request) {
      if (request.ownsHome) fs.rmSync(request.home, { recursive: true, force: true });
      unregister(request.clusterId);
    }
  })();
  return stopping;
}

async function start(req: StartRequest): Promise<void> {
  request = req;
  const o = req.options;
  try {
    await preloaded;
    cp = await startControlPlane({
      home: req.home,
      publishPorts: o.publishPorts,
      allowPrivileged: o.allowPrivileged,
      log: o.log ? (line) => send({ type: 'log', line }) : undefined,
      clusterDNS: o.clusterDNS,
      metricsResolutionMs: o.metricsResolutionMs,
      hpaSyncPeriodMs: o.hpaSyncPeriodMs,
      nodes: o.nodes,
      nodeMonitorGraceMs: o.nodeMonitorGraceMs,
      nodeMonitorPeriodMs: o.nodeMonitorPeriodMs,
      nodeLeaseRenewMs: o.nodeLeaseRenewMs,
      publishState: o.publishState,
      fsync: o.fsync,
      dashboard: dashboardAddon,
    });
  } catch (err) {
    send({ type: 'failed', message: (err as Error).message });
    return;
  }
  // The CLI's control plane waits for an engine that is not ready yet; a test wants to know now. The
  // kubelet made the network already (an inspect when it exists); if it could not, say why and stop.
  try {
    await cp.runtime.ensureNetwork(networkName(cp.clusterId), SHARED_NETWORK_LABELS);
  } catch (err) {
    await cp.stop({ removeContainers: true }).catch(() => {});
    cp = undefined;
    send({ type: 'failed', message: `mini-kube: the cluster cannot run pods: ${(err as Error).message}` });
    return;
  }
  // Leftovers of test processes that were killed: removed in the background, never blocking this start.
  reaping = reapAbandoned(cp.runtime).catch(() => []);
  send({
    type: 'started', url: cp.url, port: cp.port, token: cp.token, caPem: cp.caPem, clusterId: cp.clusterId,
    nodePortAddress: cp.config.nodePortAddress,
  });
}

/** A running instance of a pod's container killed with a signal, as `docker kill` (Cluster.killContainer). */
async function kill(podUid: string, container: string, signal: string): Promise<string> {
  if (!cp) throw new Error('the cluster is not running');
  const running = (await cp.kubelet.instances(podUid, container)).find((c) => c.running);
  if (!running) throw new Error(`container "${container}" is not running`);
  await createDockerClient().getContainer(running.id).kill({ signal });
  return running.id;
}

process.on('message', (m: ParentMessage) => {
  switch (m.type) {
    case 'start':
      void start(m);
      break;
    case 'kill':
      kill(m.podUid, m.container, m.signal).then(
        (id) => send({ type: 'reply', id: m.id, value: id }),
        (err: Error) => send({ type: 'reply', id: m.id, error: err.message }));
      break;
    case 'stop':
      void shutdown().then(() => {
        send({ type: 'stopped' });
        process.exit(0);
      });
      break;
  }
});
// The parent is gone or let go: nothing may stay behind. (A spare that never started a cluster just exits.)
process.on('disconnect', () => void shutdown().then(() => process.exit(0)));
// Ctrl-C in a terminal reaches the whole process group: the parent decides (its exit closes the channel).
process.on('SIGINT', () => {});
process.on('SIGTERM', () => void shutdown().then(() => process.exit(0)));
send({ type: 'loaded' });
// What the first start would load on its way (the engine's client, with its ssh and gRPC modules): loaded
// while this process waits as a spare, not while a test waits for its cluster.
setImmediate(() => createDockerClient());
