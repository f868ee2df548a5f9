// The controller manager (kube-controller-manager): starts the control loops of src/controllers over one
// store. Each reconciles from its own work queue and
// replays the whole store when it starts, so after a restart the store is the truth and nothing doubles.
import type { Store } from '../store/store.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { GarbageCollector } from './garbagecollector/garbage-collector.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';
import { ServiceAccountsController } from './serviceaccount/serviceaccounts-controller.js';
import { RootCACertPublisher } from './rootcacert/root-ca-cert-publisher.js';
import type { Pod } from '../kube/types.js';
import { JobController } from './job/job-controller.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DaemonSetController } from './daemon/daemonset-controller.js';
import { TTLAfterFinishedController } from './ttlafterfinished/ttl-after-finished-controller.js';
import { PersistentVolumeController, type VolumeBackend } from './volume/persistentvolume-controller.js';
import { StatefulSetController } from './statefulset/statefulset-controller.js';
import type { MetricsReader } from '../metrics/types.js';
import { HorizontalController } from './podautoscaler/horizontal.js';
import { DisruptionController } from './disruption/disruption-controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/node-lifecycle-controller.js';
import { TaintEvictionController } from './tainteviction/taint-eviction-controller.js';

export interface ControllerOptions {
  /** the API server's CA (PEM): the root-ca-cert-publisher puts it in every namespace; none without it */
  caPem?: string;
  /** the ServiceAccount admission plugin for the pods the ReplicaSet controller creates (kube/service-account.ts) */
  admitPod?: (pod: Pod) => void;
  /** the Docker volumes behind PersistentVolumes, and the cluster id their names carry; no provisioning without */
  storage?: { backend: VolumeBackend; clusterId: string };
  /** the resource metrics API (metrics-server's storage): the HPA controller runs only with it */
  metrics?: MetricsReader;
  /** --horizontal-pod-autoscaler-sync-period, ms (default 15 s) */
  hpaSyncPeriodMs?: number;
  /** the node-lifecycle controller's periods and its MarkPodsNotReady hook */
  nodeLifecycle?: NodeLifecycleOptions;
}

export interface RunningControllers {
  stop(): void;
}

export function startControllers(store: Store, opts: ControllerOptions = {}): RunningControllers {
  const controllers = [
    new DeploymentController(store),
    new ReplicaSetController(store, opts.admitPod),
    new GarbageCollector(store),
    new JobController(store, opts.admitPod),
    new TTLAfterFinishedController(store),
    new CronJobController(store),
    new DaemonSetController(store, opts.admitPod),
    new NamespaceController(store),
    new ServiceAccountsController(store),
    new PersistentVolumeController(store, opts.storage?.backend, opts.storage?.clusterId ?? 'local'),
    new StatefulSetController(store, opts.admitPod),
    ...(opts.caPem ? [new RootCACertPublisher(store, opts.caPem)] : []),
    new DisruptionController(store),
    new NodeLifecycleController(store, opts.nodeLifecycle),
    new TaintEvictionController(store),
    ...(opts.metrics ? [new HorizontalController(store, opts.metrics, { syncPeriodMs: opts.hpaSyncPeriodMs })] : []),
  ];
  for (const c of controllers) c.start();
  return {
    stop(): void {
      for (const c of controllers) c.stop();
    },
  };
}

export { CronJobController, DaemonSetController, JobController, TTLAfterFinishedController };
export { PersistentVolumeController, StatefulSetController };
export { DisruptionController, NodeLifecycleController, TaintEvictionController };
export { HorizontalController, DeploymentController, GarbageCollector, NamespaceController, ReplicaSetController, RootCACertPublisher, ServiceAccountsController };
