// The security gate at the store, where every path that makes or changes a pod spec converges: a Pod a
// client posts, one a ReplicaSet controller stamps out of its template, a template a Deployment hands
// to its ReplicaSet. Admission (admission.ts) already refuses these settings on API writes with a 422
// naming the field; this gate holds for writers that never pass the API (controllers), so the
// ReplicaSet controller reports FailedCreate instead of creating a privileged pod. Same rule, one home:
// privilegedSettings() in security.ts, at the pod spec locations of pod-templates.ts.
import { byKind, type Kind } from '../kube/kinds.js';
import { invalid } from '../kube/errors.js';
import type { Stored, WriteGuard } from '../store/store.js';
import { formatFieldError, toStatusCause, type FieldError } from './field-errors.js';
import { podSpecsOf } from './pod-templates.js';
import { privilegedSettings } from './security.js';

function findings(kind: Kind, obj: unknown): FieldError[] {
  return podSpecsOf(kind, obj).flatMap((at) => privilegedSettings(at.spec, at.path));
}

export function podSecurityGate(opts: { allowPrivileged: boolean }): WriteGuard {
  return (next: Stored, current: Stored | undefined) => {
    if (opts.allowPrivileged) return;
    const t = byKind(next.kind);
    if (!t) return;
    const errs = findings(t.kind, next);
    if (!errs.length) return;
    // An update refused only for what it adds: binding a pod (spec.nodeName), writing status or scaling an
    // object stored before this gate existed is no new decision, so such objects still run their course
    // (their pods are refused at create, and the runtime refuses what is left: create-options.ts).
    if (current) {
      const before = new Set(findings(t.kind, current).map(formatFieldError));
      if (errs.every((e) => before.has(formatFieldError(e)))) return;
    }
    throw invalid(t.group ? `${t.kind}.${t.group}` : t.kind, t.group, next.metadata.name, errs.map(toStatusCause));
  };
}
