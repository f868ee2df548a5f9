// The answer to one query for the cluster domain, as CoreDNS's kubernetes plugin gives it (plugin.A,
// plugin.AAAA, plugin.SRV, plugin.SOA, plugin.BackendError): authoritative, TTL 5, NXDOMAIN with the SOA
// for names that do not exist, NODATA with the SOA for a name that exists without records of that type
// (AAAA of an IPv4 Service). Names outside the cluster domain are not answered here (null): the server
// forwards them. The search path is the client's (resolv.conf's search and ndots:5), never expanded here.
import { isIP } from 'node:net';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import type { DnsSnapshot } from '../kube/dns-snapshot.js';
import { lookup, type Target } from './records.js';

/** CoreDNS's kubernetes plugin default TTL (`ttl` option), seconds */
export const DEFAULT_TTL = 5;

export interface AnswerOptions {
  /** record TTL, seconds (default 5) */
  ttl?: number;
  /** the SOA serial: CoreDNS's is the time the API last changed; the caller passes the snapshot's time */
  serial?: number;
}

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const AA = 1 << 10;
const RD = 1 << 8;

/** Whether a name (any case, with or without the final dot) is the zone or below it. */
export function inZone(name: string, zone: string): boolean {
  const n = normalize(name);
  const z = normalize(zone);
  return n === z || n.endsWith(`.${z}`);
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** A reply header for a query: the id, the question as asked, RD copied, this rcode. */
export function reply(query: Packet, rcode: number, flags = 0): Packet {
  return {
    type: 'response',
    id: query.id ?? 0,
    flags: flags | ((query.flags ?? 0) & RD) | rcode,
    questions: query.questions ?? [],
    answers: [],
    authorities: [],
    additionals: [],
  };
}

/** The answer to a query for the cluster domain; null when its name is outside (to be forwarded). */
export function answer(query: Packet | DecodedPacket, snapshot: DnsSnapshot, opts: AnswerOptions = {}): Packet | null {
  const q = query.questions?.[0];
  if (!q || !inZone(q.name, snapshot.clusterDomain)) return null;
  const ttl = opts.ttl ?? DEFAULT_TTL;
  const zone = normalize(snapshot.clusterDomain);
  const name = normalize(q.name);
  const soa = soaRecord(zone, ttl, opts.serial ?? 0);
  const found = lookup(name, zone, snapshot);
  if (found.nxdomain) return { ...reply(query, RCODE.NXDOMAIN, AA), authorities: [soa] };
  const res = reply(query, RCODE.NOERROR, AA);
  const { answers, additionals } = records(q, found.targets, ttl);
  if (name === zone && q.type === 'SOA') answers.push(soa);
  if (name === zone && q.type === 'NS') answers.push({ type: 'NS', name: q.name, ttl, class: 'IN', data: `ns.dns.${zone}` });
  if (!answers.length) return { ...res, authorities: [soa] };
  return { ...res, answers, additionals };
}

function records(q: Question, targets: Target[], ttl: number): { answers: Answer[]; additionals: Answer[] } {
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const seen = new Set<string>();
  const once = (key: string): boolean => (seen.has(key) ? false : (seen.add(key), true));
  const family = q.type === 'A' ? 4 : q.type === 'AAAA' ? 6 : 0;
  if (family) {
    for (const t of targets) {
      // an ExternalName is a CNAME, whatever address type was asked for; the server follows it
      if (t.isName) {
        if (once(`cname ${t.host}`)) answers.push({ type: 'CNAME', name: q.name, ttl, class: 'IN', data: t.host });
      } else if (isIP(t.host) === family && once(t.host)) {
        answers.push({ type: family === 4 ? 'A' : 'AAAA', name: q.name, ttl, class: 'IN', data: t.host });
      }
    }
  } else if (q.type === 'CNAME') {
    for (const t of targets) if (t.isName && once(t.host)) answers.push({ type: 'CNAME', name: q.name, ttl, class: 'IN', data: t.host });
  } else if (q.type === 'SRV') {
    // a name without a port (an ExternalName, a headless Service without ports) has no SRV record
    const srv = targets.filter((t) => t.port !== -1);
    // plugin.SRV: every record of a priority shares 100, with a weight of at least 1
    const weight = Math.max(1, Math.floor(100 / Math.max(1, srv.length)));
    for (const t of srv) {
      const target = t.isName ? t.host : t.key;
      if (once(`srv ${target}:${t.port}`)) answers.push({ type: 'SRV', name: q.name, ttl, class: 'IN', data: { priority: 0, weight, port: t.port, target } });
      if (!t.isName && once(`addr ${target} ${t.host}`)) {
        additionals.push({ type: isIP(t.host) === 6 ? 'AAAA' : 'A', name: target, ttl, class: 'IN', data: t.host });
      }
    }
  }
  return { answers, additionals };
}

/** plugin.SOA for the kubernetes plugin's zone. */
export function soaRecord(zone: string, ttl: number, serial: number): Answer {
  return {
    type: 'SOA', name: zone, ttl: Math.min(ttl, 300), class: 'IN',
    data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
  };
}
