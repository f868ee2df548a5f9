// serviceaccounts/{name}/token (TokenRequest, `kubectl create token`): a token for the service account,
// optionally bound to a pod (or secret, node) whose removal ends it (registry/service-account-tokens.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, StatusError } from '../../kube/errors.js';
import { readReviewBody } from './review-bodies.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';
import type { ApiContext } from '../context.js';
import type { BoundObject } from '../registry/service-account-tokens.js';
import { dryRunOf } from './dry-run.js';

export async function serveTokenRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: URLSearchParams): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed(req.method ?? 'GET');
  if (!ctx.tokens) throw new StatusError(503, 'ServiceUnavailable', 'this API server issues no service-account tokens');
  const dryRun = dryRunOf('CreateOptions', query);
  const body = await readReviewBody(req, 'TokenRequest');
  if (body['kind'] !== undefined && body['kind'] !== 'TokenRequest') throw badRequest(`the kind in the request body (${String(body['kind'])}) is not TokenRequest`);
  const spec = (body['spec'] ?? {}) as { audiences?: unknown; expirationSeconds?: unknown; boundObjectRef?: Record<string, unknown> | null };
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
  const expirationSeconds = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? undefined : Number(spec.expirationSeconds);
  let bound: BoundObject | undefined;
  if (spec.boundObjectRef) {
    const kind = String(spec.boundObjectRef['kind'] ?? '');
    if (kind !== 'Pod' && kind !== 'Secret' && kind !== 'Node') {
      throw new StatusError(422, 'Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.boundObjectRef.kind: Unsupported value: "${kind}": supported values: "Pod", "Secret", "Node"`);
    }
    bound = { kind, name: String(spec.boundObjectRef['name'] ?? ''), uid: String(spec.boundObjectRef['uid'] ?? '') };
  }
  const issued = ctx.tokens.issue(namespace, name, { audiences, expirationSeconds, bound });
  sendJson(res, 201, {
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z') },
    spec: { audiences: issued.audiences, expirationSeconds: issued.expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token: dryRun ? '' : issued.token, expirationTimestamp: issued.expirationTimestamp },
  });
}
