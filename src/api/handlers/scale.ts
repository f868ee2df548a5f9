// deployments/{name}/scale and replicasets/{name}/scale: the object seen as an autoscaling/v1 Scale.
// kubectl scale sends a merge patch {"spec":{"replicas":N}} (GET + PUT with --current-replicas), and
// client-node's patchNamespacedDeploymentScale a JSON patch; all of them end as a change of spec.replicas.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatSelector } from '../../kube/labels.js';
import type { LabelSelector } from '../../kube/types.js';
import type { ResourceType } from '../../kube/kinds.js';
import { invalid, StatusError } from '../../kube/errors.js';
import type { KubeObject, Stored } from '../../store/store.js';
import { readObjectBody, readPatchBody } from '../http/body.js';
import type { ApiContext } from '../context.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';
import { applyPatch } from '../patch/patch.js';
import { dryRunOf } from './dry-run.js';
import { managerOf, recordUpdate } from '../fieldmanager/field-manager.js';

interface ScaleSpec { replicas?: unknown }

export function toScale(obj: Stored): Record<string, unknown> {
  const spec = (obj['spec'] ?? {}) as { replicas?: number; selector?: LabelSelector };
  const status = (obj['status'] ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: formatSelector(spec.selector) },
  };
}

export async function serveScale(
  ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string, name: string, query: URLSearchParams,
): Promise<void> {
  const current = ctx.store.mustGet(t.kind, namespace, name);
  if (req.method === 'GET') return sendJson(res, 200, toScale(current));

  // Checked before the body is read: an unsupported dryRun value must never reach a real write.
  const dryRun = dryRunOf(req.method === 'PUT' ? 'UpdateOptions' : 'PatchOptions', query);
  const manager = managerOf(query, req.headers['user-agent'], req.method === 'PUT' ? 'UpdateOptions' : 'PatchOptions');
  let scale: Record<string, unknown>;
  if (req.method === 'PUT') {
    scale = await readObjectBody(req);
  } else if (req.method === 'PATCH') {
    const body = await readPatchBody(req, ['json', 'merge', 'strategic']);
    scale = applyPatch(toScale(current) as KubeObject, body);
  } else {
    throw methodNotAllowed(req.method ?? '');
  }

  const replicas = (scale['spec'] as ScaleSpec | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale.autoscaling', 'autoscaling', name, [{
      field: 'spec.replicas', reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
    }]);
  }
  const meta = (scale['metadata'] ?? {}) as { name?: string; resourceVersion?: string };
  if (meta.name && meta.name !== name) {
    throw new StatusError(400, 'BadRequest', `the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  const next = structuredClone(current) as Stored;
  next['spec'] = { ...(next['spec'] as object), replicas };
  // The Scale's resourceVersion is the object's: a stale one is a 409, as on a real cluster.
  next.metadata.resourceVersion = meta.resourceVersion || current.metadata.resourceVersion;
  // The replicas a scale writes are owned as the parent's field, by an entry naming the subresource.
  recordUpdate({ live: current, next, manager, subresource: 'scale', now: ctx.now() });
  const stored = dryRun ? next : ctx.store.update(next);
  sendJson(res, 200, toScale(stored as Stored));
}
