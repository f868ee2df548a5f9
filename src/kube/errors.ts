// Kubernetes-shaped failures. Every layer throws StatusError; the API turns it into a metav1.Status
// with the same code and reason a real apiserver would use, so kubectl prints it the same way.
export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'BadRequest' | 'Invalid' | 'UnsupportedMediaType'
  | 'MethodNotAllowed' | 'Unauthorized' | 'Forbidden' | 'Expired' | 'Gone' | 'RequestEntityTooLarge'
  | 'InternalError' | 'ServiceUnavailable' | 'NotAcceptable' | 'TooManyRequests';

export interface StatusCause { field?: string; message: string; reason?: string }

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] },
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: this.message, reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** "deployments.apps" style resource name used in Kubernetes' messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const notFound = (resource: string, group: string, name: string) =>
  new StatusError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group, kind: resource });

export const alreadyExists = (resource: string, group: string, name: string) =>
  new StatusError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group, kind: resource });

export const conflict = (resource: string, group: string, name: string) =>
  new StatusError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource });

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

/** 422 Invalid with one cause per field error, formatted as kubectl prints it. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field ? c.field + ': ' : ''}${c.message}`);
  const message = list.length === 1
    ? `${kind} "${name}" is invalid: ${list[0]}`
    : `${kind} "${name}" is invalid: [${list.join(', ')}]`;
  // details.kind is the Kind itself, as the apiserver's NewInvalid sets it: kubectl prints "The <kind> ...".
  return new StatusError(422, 'Invalid', message, { name, group, kind, causes });
}
