// The apiserver's checks of a pod's DNS fields (validation.go: validatePodDNSConfig, ValidateHostAliases,
// the hostname/subdomain labels). The kubelet's own limits, applied when it forms the resolv.conf, are in
// src/kubelet/dns-config.ts.
import { isIP } from 'node:net';
import type { PodSpec } from '../kube/types.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../kube/validation.js';
import type { FieldPath } from './field-path.js';
import { invalidField, requiredField, type FieldError } from './field-errors.js';

// MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars
const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_LIST_CHARS = 2048;
const VALID_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

export function validatePodDns(spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.subdomain) for (const msg of isDNS1123Label(spec.subdomain)) errs.push(invalidField(path.child('subdomain'), spec.subdomain, msg));
  (spec.hostAliases ?? []).forEach((a, i) => {
    const p = path.child('hostAliases').index(i);
    if (isIP(a.ip ?? '') === 0) errs.push(invalidField(p.child('ip'), a.ip ?? '', VALID_IP));
    (a.hostnames ?? []).forEach((h, j) => {
      for (const msg of isDNS1123Subdomain(h)) errs.push(invalidField(p.child('hostnames').index(j), h, msg));
    });
  });

  const dns = spec.dnsConfig;
  const p = path.child('dnsConfig');
  if (spec.dnsPolicy === 'None') {
    if (!dns) return [...errs, requiredField(p, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!dns.nameservers?.length) return [...errs, requiredField(p.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!dns) return errs;
  const nameservers = dns.nameservers ?? [];
  if (nameservers.length > MAX_NAMESERVERS) errs.push(invalidField(p.child('nameservers'), nameservers, `must not have more than ${MAX_NAMESERVERS} nameservers`));
  nameservers.forEach((ns, i) => {
    if (isIP(ns) === 0) errs.push(invalidField(p.child('nameservers').index(i), ns, 'must be valid IP address'));
  });
  const searches = dns.searches ?? [];
  if (searches.length > MAX_SEARCH_PATHS) errs.push(invalidField(p.child('searches'), searches, `must not have more than ${MAX_SEARCH_PATHS} search paths`));
  if (searches.join(' ').length > MAX_SEARCH_LIST_CHARS) {
    errs.push(invalidField(p.child('searches'), searches, `must not have more than ${MAX_SEARCH_LIST_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => {
    // a trailing dot is fine
    const name = s.replace(/\.$/, '');
    for (const msg of isDNS1123Subdomain(name)) errs.push(invalidField(p.child('searches').index(i), name, msg));
  });
  (dns.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(requiredField(p.child('options').index(i), 'must not be empty'));
  });
  return errs;
}
