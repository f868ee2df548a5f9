// Several kubelets share one Docker engine (one per simulated node, `up --nodes N`). Each one's runtime
// stamps the node's name on every container it creates, so that a kubelet acts only on its own node's
// containers and a node can be stopped as a whole (`mini-kube node stop`). Containers made before this
// label existed carry none: they are the first node's (NODE_NAME), the only node there was.
import { NODE_NAME } from '../kube/node.js';
import type { CreateContainerSpec, Runtime } from '../runtime/runtime.js';

export const LABEL_NODE = 'io.mini-kube.node';

/** The node a container belongs to, from its labels. */
export function nodeOfContainer(labels: Record<string, string> | undefined): string {
  return labels?.[LABEL_NODE] ?? NODE_NAME;
}

/** The runtime as one node's kubelet sees it: the same engine, every new container labelled with the node. */
export function nodeRuntime(runtime: Runtime, nodeName: string): Runtime {
  const wrapped = Object.create(runtime) as Runtime;
  wrapped.createContainer = (spec: CreateContainerSpec) => runtime.createContainer({ ...spec, labels: { ...spec.labels, [LABEL_NODE]: nodeName } });
  return wrapped;
}
