// Probes and lifecycle handlers, as pkg/apis/core/validation validateProbe/validateHandler check them.
// Runs after defaulting, so a 0 in timeoutSeconds/periodSeconds/thresholds has already become the default.
import type { Probe } from '../kube/types.js';
import type { FieldPath } from './field-path.js';
import {
  forbiddenField, invalidField, notSupportedField, requiredField, type FieldError,
} from './field-errors.js';
import { IS_NEGATIVE_ERROR, isHTTPHeaderName, isValidPortName, isValidPortNum } from '../kube/validation.js';

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

interface Handler {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: number | string; scheme?: string; httpHeaders?: { name?: string; value?: string }[] };
  tcpSocket?: { port?: number | string };
  grpc?: { port?: number; service?: string };
  sleep?: { seconds?: number };
}

export function validateProbe(probe: Probe | undefined, kind: ProbeKind, path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe as Handler, ['exec', 'httpGet', 'tcpSocket', 'grpc'], path, gracePeriod);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[f];
    if (typeof v === 'number' && v < 0) errs.push(invalidField(path.child(f), v, IS_NEGATIVE_ERROR));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (typeof tgps === 'number' && tgps <= 0) errs.push(invalidField(path.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if ((kind === 'livenessProbe' || kind === 'startupProbe') && probe.successThreshold !== 1) {
    errs.push(invalidField(path.child('successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  }
  if (kind === 'readinessProbe' && tgps !== undefined) {
    errs.push(invalidField(path.child('terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  }
  return errs;
}

/** Exactly one handler type; `allowed` is the order Kubernetes checks them in. */
export function validateHandler(h: Handler, allowed: (keyof Handler)[], path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const type of allowed) {
    if (h[type] === undefined) continue;
    if (count > 0) { errs.push(forbiddenField(path.child(type), 'may not specify more than 1 handler type')); continue; }
    count++;
    const p = path.child(type);
    switch (type) {
      case 'exec':
        if (!h.exec?.command?.length) errs.push(requiredField(p.child('command')));
        break;
      case 'httpGet': {
        const g = h.httpGet!;
        if (!g.path) errs.push(requiredField(p.child('path')));
        errs.push(...validatePortNumOrName(g.port, p.child('port')));
        if (g.scheme !== 'HTTP' && g.scheme !== 'HTTPS') errs.push(notSupportedField(p.child('scheme'), g.scheme ?? '', ['HTTP', 'HTTPS']));
        for (const header of g.httpHeaders ?? []) {
          for (const msg of isHTTPHeaderName(header.name ?? '')) errs.push(invalidField(p.child('httpHeaders'), header.name ?? '', msg));
        }
        break;
      }
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(h.tcpSocket!.port, p.child('port')));
        break;
      case 'grpc':
        for (const msg of isValidPortNum(h.grpc!.port ?? 0)) errs.push(invalidField(p.child('port'), h.grpc!.port ?? 0, msg));
        break;
      case 'sleep': {
        const s = h.sleep!.seconds ?? 0;
        if (gracePeriod !== undefined && (s <= 0 || s > gracePeriod)) {
          errs.push(invalidField(p, s, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod})`));
        }
        break;
      }
    }
  }
  if (count === 0) errs.push(requiredField(path, 'must specify a handler type'));
  return errs;
}

/** ValidatePortNumOrName: a number 1-65535 or an IANA_SVC_NAME. */
export function validatePortNumOrName(port: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalidField(path, port, msg));
  const n = port ?? 0;
  return isValidPortNum(n).map((msg) => invalidField(path, n, msg));
}
