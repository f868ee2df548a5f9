// What a client may write of a Node (the kubelet's object, decisions/175): each simulated node is
// registered by its kubelet, whose status only the kubelet (and the node-lifecycle controller) writes,
// straight to the store. A client may label, annotate, cordon, taint or delete a node (the kubelet
// registers it again), but not create one (`mini-kube up --nodes N` does) nor write its status: those are
// refused with a reason rather than stored and ignored.
import { StatusError } from '../../kube/errors.js';
import type { ResourceType } from '../../kube/kinds.js';
import { NODE_NAME } from '../../kube/node.js';

export function checkNodeWrite(t: ResourceType, method: string, name: string | undefined, subresource: string | undefined): void {
  if (t.kind !== 'Node') return;
  if (method === 'POST' && name === undefined) {
    throw new StatusError(403, 'Forbidden', `nodes is forbidden: mini-kube's nodes (${NODE_NAME} first) are registered by their kubelets; start the cluster with \`mini-kube up --nodes N\` for more`);
  }
  if (subresource === 'status' && (method === 'PUT' || method === 'PATCH')) {
    throw new StatusError(403, 'Forbidden', `nodes "${name}" is forbidden: a node's status is written by its kubelet only`);
  }
}
