// Starts the control loops of src/scheduler over one store. Each reconciles from its own work queue and
// replays the whole store when it starts, so after a restart the store is the truth and nothing doubles.
import type { Store } from '../store/store.js';
import { DeploymentController } from './deployment-controller.js';
import { GarbageCollector } from './garbage-collector.js';
import { PodBinder } from './pod-binder.js';
import { ReplicaSetController } from './replicaset-controller.js';

export interface ControllerOptions {
  /** also bind unscheduled pods to the node (spec.nodeName + Scheduled event); off by default */
  bindPods?: boolean;
}

export interface RunningControllers {
  stop(): void;
}

export function startControllers(store: Store, options: ControllerOptions = {}): RunningControllers {
  const controllers = [
    new DeploymentController(store),
    new ReplicaSetController(store),
    new GarbageCollector(store),
    ...(options.bindPods ? [new PodBinder(store)] : []),
  ];
  for (const c of controllers) c.start();
  return {
    stop(): void {
      for (const c of controllers) c.stop();
    },
  };
}

export { DeploymentController, GarbageCollector, PodBinder, ReplicaSetController };
