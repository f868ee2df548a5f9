// Validation of the kinds clients rarely write but may (Namespace, Endpoints, Event), as the apiserver's
// ValidateNamespace, ValidateEndpoints and ValidateEvent do: names, shapes, ports, addresses. Controllers
// write these too; everything a client sends goes through here first, so no write is stored unchecked.
import { endpointAddressProblem } from '../kube/endpoint-address.js';
import type { Endpoints, Event, Namespace } from '../kube/types.js';
import { FieldPath } from './field-path.js';
import { duplicateField, invalidField, notSupportedField, requiredField, type FieldError } from './field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum } from '../kube/validation.js';
import { validateObjectMeta } from './validate-meta.js';

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, 'label', FieldPath.of('metadata'));
  (ns.spec?.finalizers ?? []).forEach((f, i) => {
    for (const msg of isQualifiedName(f)) errs.push(invalidField(FieldPath.of('spec', 'finalizers').index(i), f, msg));
  });
  return errs;
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, 'subdomain', FieldPath.of('metadata'));
  (ep.subsets ?? []).forEach((subset, i) => {
    const path = FieldPath.of('subsets').index(i);
    for (const field of ['addresses', 'notReadyAddresses'] as const) {
      (subset[field] ?? []).forEach((a, j) => errs.push(...endpointAddress(a, path.child(field).index(j))));
    }
    const ports = subset.ports ?? [];
    const names = new Set<string>();
    ports.forEach((p, j) => {
      const pp = path.child('ports').index(j);
      if (ports.length > 1 || p.name) {
        if (!p.name) errs.push(requiredField(pp.child('name')));
        else for (const msg of isValidPortName(p.name)) errs.push(invalidField(pp.child('name'), p.name, msg));
        if (p.name && names.has(p.name)) errs.push(duplicateField(pp.child('name'), p.name));
        if (p.name) names.add(p.name);
      }
      for (const msg of isValidPortNum(p.port)) errs.push(invalidField(pp.child('port'), p.port, msg));
      if (!p.protocol) errs.push(requiredField(pp.child('protocol')));
      else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupportedField(pp.child('protocol'), p.protocol, PROTOCOLS));
    });
  });
  return errs;
}

function endpointAddress(a: { ip: string; hostname?: string; nodeName?: string }, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!a.ip) return [requiredField(path.child('ip'))];
  // ValidateNonSpecialIP (one home: kube/endpoint-address.ts): an endpoint on this machine's loopback or
  // link-local range would make the proxy connect to the machine itself instead of a pod.
  const problem = endpointAddressProblem(a.ip);
  // the rule names the address first; invalidField names it already
  const prefix = [`${a.ip} `, `${JSON.stringify(a.ip)} `].find((p) => problem?.startsWith(p)) ?? '';
  if (problem) errs.push(invalidField(path.child('ip'), a.ip, problem.slice(prefix.length)));
  if (a.hostname) for (const msg of isDNS1123Label(a.hostname)) errs.push(invalidField(path.child('hostname'), a.hostname, msg));
  if (a.nodeName) for (const msg of isDNS1123Subdomain(a.nodeName)) errs.push(invalidField(path.child('nodeName'), a.nodeName, msg));
  return errs;
}

const EVENT_TYPES = ['Normal', 'Warning'];

export function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, 'subdomain', FieldPath.of('metadata'));
  const involved = ev.involvedObject;
  if (!involved) errs.push(requiredField(FieldPath.of('involvedObject')));
  else if (involved.namespace && involved.namespace !== ev.metadata?.namespace) {
    errs.push(invalidField(FieldPath.of('involvedObject', 'namespace'), involved.namespace, 'does not match event.namespace'));
  }
  if (ev.type && !EVENT_TYPES.includes(ev.type)) errs.push(notSupportedField(FieldPath.of('type'), ev.type, EVENT_TYPES));
  return errs;
}
