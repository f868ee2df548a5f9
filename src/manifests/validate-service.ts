// Service validation (ValidateService / validateServicePort), plus what mini-kube cannot serve: its proxy
// speaks TCP only on nodePorts (TCP and UDP on ClusterIPs) and there is no cluster DNS for ExternalName. The nodePort range check is the one the
// apiserver's port allocator makes.
import { isIP } from 'node:net';
import type { Service } from '../kube/types.js';
import { FieldPath } from './field-path.js';
import {
  duplicateField, forbiddenField, invalidField, notSupportedField, requiredField, type FieldError,
} from './field-errors.js';
import { NODE_PORT_RANGE } from './constants.js';
import { isDNS1123Label, isQualifiedName, isValidPortNum } from '../kube/validation.js';
import { validateLabels, validateObjectMeta } from './validate-meta.js';
import { validatePortNumOrName } from './validate-probe.js';

const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, 'dns1035', FieldPath.of('metadata'));
  const spec = svc.spec ?? {};
  const path = FieldPath.of('spec');
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  const type = spec.type;

  if (!type) errs.push(requiredField(path.child('type')));
  else if (type === 'ExternalName') {
    errs.push(notSupportedField(path.child('type'), type, [],
      'mini-kube does not serve ExternalName services (they are DNS aliases and mini-kube has no cluster DNS); use ClusterIP, NodePort or LoadBalancer'));
  } else if (!['ClusterIP', 'LoadBalancer', 'NodePort'].includes(type)) {
    errs.push(notSupportedField(path.child('type'), type, ['ClusterIP', 'LoadBalancer', 'NodePort']));
  }
  if (headless && (type === 'NodePort' || type === 'LoadBalancer')) {
    errs.push(invalidField(path.child('clusterIP'), 'None', `may not be set to 'None' for ${type} services`));
  }
  if (spec.clusterIP && !headless && isIP(spec.clusterIP) === 0) {
    errs.push(invalidField(path.child('clusterIP'), spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }

  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(requiredField(path.child('ports')));
  const names = new Set<string>();
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((sp, i) => {
    const p = path.child('ports').index(i);
    if (ports.length > 1 && !sp.name) errs.push(requiredField(p.child('name')));
    else if (sp.name) {
      for (const msg of isDNS1123Label(sp.name)) errs.push(invalidField(p.child('name'), sp.name, msg));
      if (names.has(sp.name)) errs.push(duplicateField(p.child('name'), sp.name));
      names.add(sp.name);
    }
    for (const msg of isValidPortNum(sp.port ?? 0)) errs.push(invalidField(p.child('port'), sp.port ?? 0, msg));
    const proto = sp.protocol;
    if (!proto) errs.push(requiredField(p.child('protocol')));
    // UDP is relayed on the ClusterIP by the cluster's network agent (docs/decisions/160), not on nodePorts
    else if (proto === 'UDP' && (type === 'NodePort' || type === 'LoadBalancer')) errs.push(notSupportedField(p.child('protocol'), proto, [], "mini-kube's nodePort proxy serves TCP only (UDP is served on the ClusterIP)"));
    else if (proto === 'SCTP') errs.push(notSupportedField(p.child('protocol'), proto, [], "mini-kube's service proxy serves TCP only"));
    else if (proto !== 'TCP' && proto !== 'UDP') errs.push(notSupportedField(p.child('protocol'), proto, ['TCP', 'UDP']));
    errs.push(...validatePortNumOrName(sp.targetPort, p.child('targetPort')));
    if (sp.appProtocol !== undefined) for (const msg of isQualifiedName(sp.appProtocol)) errs.push(invalidField(p.child('appProtocol'), sp.appProtocol, msg));

    if (sp.nodePort) {
      if (type === 'ClusterIP') errs.push(forbiddenField(p.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      else if (sp.nodePort < NODE_PORT_RANGE.min || sp.nodePort > NODE_PORT_RANGE.max) {
        errs.push(invalidField(p.child('nodePort'), sp.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
      }
      const nk = `${proto}/${sp.nodePort}`;
      if (seenNodePorts.has(nk)) errs.push(duplicateField(p.child('nodePort'), sp.nodePort));
      seenNodePorts.add(nk);
    }
    const pk = `${proto}/${sp.port}`;
    if (seenPorts.has(pk)) errs.push(duplicateField(p, { protocol: proto, port: sp.port }));
    seenPorts.add(pk);
  });

  errs.push(...validateLabels(spec.selector, path.child('selector')));

  const aff = spec.sessionAffinity;
  if (!aff) errs.push(requiredField(path.child('sessionAffinity')));
  else if (aff !== 'ClientIP' && aff !== 'None') errs.push(notSupportedField(path.child('sessionAffinity'), aff, ['ClientIP', 'None']));
  const cfg = path.child('sessionAffinityConfig');
  if (aff === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (!spec.sessionAffinityConfig) errs.push(requiredField(cfg, 'when session affinity type is ClientIP'));
    else if (!spec.sessionAffinityConfig.clientIP) errs.push(requiredField(cfg.child('clientIP'), 'when session affinity type is ClientIP'));
    else if (t === undefined) errs.push(requiredField(cfg.child('clientIP', 'timeoutSeconds'), 'when session affinity type is ClientIP'));
    else if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
      errs.push(invalidField(cfg.child('clientIP', 'timeoutSeconds'), t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`));
    }
  } else if (aff === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbiddenField(cfg, 'must not be set when session affinity is None'));
  }

  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (isIP(ip) === 0) errs.push(invalidField(path.child('externalIPs').index(i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });

  const external = type === 'NodePort' || type === 'LoadBalancer' || (spec.externalIPs?.length ?? 0) > 0;
  const etp = spec.externalTrafficPolicy;
  if (!external && etp) errs.push(invalidField(path.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'));
  else if (external && !etp) errs.push(requiredField(path.child('externalTrafficPolicy')));
  else if (etp && etp !== 'Cluster' && etp !== 'Local') errs.push(notSupportedField(path.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  const itp = spec.internalTrafficPolicy;
  if (itp !== undefined && itp !== 'Cluster' && itp !== 'Local') errs.push(notSupportedField(path.child('internalTrafficPolicy'), itp, ['Cluster', 'Local']));
  return errs;
}
