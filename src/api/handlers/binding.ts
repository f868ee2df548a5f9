// pods/binding (POST a core/v1 Binding): what a scheduler calls to place a pod (BindingREST). The rule is
// kube/binding.ts, shared with the in-process scheduler; the answer is 201 with a Success Status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Binding, Pod } from '../../kube/types.js';
import { StatusError, notFound } from '../../kube/errors.js';
import { applyBinding, bindingConflict } from '../../kube/binding.js';
import { timestamp } from '../../store/store.js';
import { recordEvent } from '../../store/events.js';
import type { ApiContext } from '../context.js';
import { readObjectBody } from '../http/body.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';

export async function serveBinding(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed(req.method ?? 'GET');
  const body = await readObjectBody(req) as Binding;
  if (body.metadata?.name && body.metadata.name !== name) {
    throw new StatusError(400, 'BadRequest', `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  const target = body.target?.name ?? '';
  if (body.target?.kind && body.target.kind !== 'Node') {
    throw new StatusError(422, 'Invalid', `Binding.core "${name}" is invalid: target.kind: Unsupported value: "${body.target.kind}": supported values: "Node"`);
  }
  const pod = ctx.store.get<Pod>('Pod', namespace, name);
  if (!pod) throw notFound('pods', '', name);
  const conflict = bindingConflict(pod, target);
  if (conflict) throw conflict;
  ctx.store.mutate<Pod>('Pod', namespace, name, (p) => { applyBinding(p, target, timestamp(), body.metadata?.annotations); });
  recordEvent(ctx.store, pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${target}`, { source: { component: 'default-scheduler' } });
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
