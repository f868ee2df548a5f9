// The controller manager (kube-controller-manager): starts the control loops of src/controllers over one
// store. Each reconciles from its own work queue and
// replays the whole store when it starts, so after a restart the store is the truth and nothing doubles.
import type { Store } from '../store/store.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { GarbageCollector } from './garbagecollector/garbage-collector.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';

export interface RunningControllers {
  stop(): void;
}

export function startControllers(store: Store): RunningControllers {
  const controllers = [
    new DeploymentController(store),
    new ReplicaSetController(store),
    new GarbageCollector(store),
    new NamespaceController(store),
  ];
  for (const c of controllers) c.start();
  return {
    stop(): void {
      for (const c of controllers) c.stop();
    },
  };
}

export { DeploymentController, GarbageCollector, NamespaceController, ReplicaSetController };
