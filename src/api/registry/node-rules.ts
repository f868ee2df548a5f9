// What a client may write of a Node (the kubelet's object, decisions/175): mini-kube has one node, which
// its kubelet registers and whose status only the kubelet writes (it writes the store directly). A client
// may label, annotate or delete it (the kubelet registers it again), but not create another node nor
// write its status: those are refused with a reason rather than stored and ignored.
import { StatusError } from '../../kube/errors.js';
import type { ResourceType } from '../../kube/kinds.js';
import { NODE_NAME } from '../../kube/node.js';

export function checkNodeWrite(t: ResourceType, method: string, name: string | undefined, subresource: string | undefined): void {
  if (t.kind !== 'Node') return;
  if (method === 'POST' && name === undefined) {
    throw new StatusError(403, 'Forbidden', `nodes is forbidden: mini-kube has one node, ${NODE_NAME}, which its kubelet registers`);
  }
  if (subresource === 'status' && (method === 'PUT' || method === 'PATCH')) {
    throw new StatusError(403, 'Forbidden', `nodes "${name}" is forbidden: a node's status is written by its kubelet only`);
  }
}
