// pods/eviction (POST a policy/v1 Eviction): a delete that honours PodDisruptionBudgets (EvictionREST).
// A pod that is not running (Pending, Succeeded, Failed) is deleted at once; a running one only while its
// budget allows a disruption, which the eviction takes (status.disruptionsAllowed - 1, disruptedPods);
// otherwise 429 with "Cannot evict pod as it would violate the pod's disruption budget.", which kubectl
// drain retries every 5 s.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Eviction, Pod, PodDisruptionBudget } from '../../kube/types.js';
import { StatusError, notFound } from '../../kube/errors.js';
import { pdbSelects, isHealthy } from '../../kube/disruption.js';
import { byKind } from '../../kube/kinds.js';
import { timestamp } from '../../store/store.js';
import type { ApiContext } from '../context.js';
import { readObjectBody } from '../http/body.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';
import { deleteObject } from '../registry/deletion.js';

export async function serveEviction(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed(req.method ?? 'GET');
  const body = await readObjectBody(req) as Eviction;
  const pod = ctx.store.get<Pod>('Pod', namespace, name);
  if (!pod) throw notFound('pods', '', name);
  const deleteOptions = (body.deleteOptions ?? {}) as { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } };
  const evict = () => {
    deleteObject(ctx, byKind('Pod')!, pod, { gracePeriodSeconds: deleteOptions.gracePeriodSeconds, preconditions: deleteOptions.preconditions }, false);
    sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  };
  // already going, or not running: nothing to protect
  const phase = pod.status?.phase;
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !phase) return evict();
  const pdbs = ctx.store.list<PodDisruptionBudget>('PodDisruptionBudget', namespace).filter((b) => pdbSelects(b, pod));
  if (!pdbs.length) return evict();
  if (pdbs.length > 1) throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const pdb = pdbs[0]!;
  // IfHealthyBudget: an unhealthy pod may go while the budget's healthy count is met
  const status: Partial<NonNullable<PodDisruptionBudget['status']>> = pdb.status ?? {};
  if (!isHealthy(pod) && (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0)) return evict();
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1) || (status.disruptionsAllowed ?? 0) <= 0) {
    throw new StatusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` }],
    });
  }
  ctx.store.mutate<PodDisruptionBudget>('PodDisruptionBudget', namespace, pdb.metadata.name, (b) => {
    b.status = { ...b.status!, disruptionsAllowed: Math.max(0, (b.status?.disruptionsAllowed ?? 0) - 1), disruptedPods: { ...b.status?.disruptedPods, [name]: timestamp() } };
  });
  return evict();
}
