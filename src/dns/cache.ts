// A small cache of forwarded answers, as CoreDNS's cache plugin keeps them: per name, type and class,
// for the smallest TTL of the answer (the SOA's minimum for NXDOMAIN and NODATA), capped; the TTLs
// handed out count down with the time spent in the cache. Least recently used entries go first.
import type { Answer, DecodedPacket } from 'dns-packet';

/** CoreDNS's cache: at most an hour for an answer, half an hour for a denial */
const MAX_TTL = 3600;
const MAX_DENIAL_TTL = 1800;

interface Entry {
  packet: DecodedPacket;
  storedAt: number;
  expiresAt: number;
}

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 1000, private readonly now: () => number = Date.now) {}

  /** The cached answer with its TTLs counted down, or undefined. */
  get(key: string): DecodedPacket | undefined {
    const e = this.entries.get(key);
    if (!e || e.expiresAt <= this.now()) {
      if (e) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    const elapsed = Math.floor((this.now() - e.storedAt) / 1000);
    const age = (rs: Answer[] | undefined): Answer[] => (rs ?? []).map((r) => (r.type === 'OPT' ? r : { ...r, ttl: Math.max(0, (r.ttl ?? 0) - elapsed) }));
    return { ...e.packet, answers: age(e.packet.answers), authorities: age(e.packet.authorities), additionals: age(e.packet.additionals) };
  }

  /** Keeps an upstream answer (NOERROR or NXDOMAIN, not truncated) for its TTL. */
  set(key: string, packet: DecodedPacket): void {
    const rcode = (packet.flags ?? 0) & 0xf;
    if (packet.flag_tc || (rcode !== 0 && rcode !== 3)) return;
    const ttl = cacheTtl(packet);
    if (ttl <= 0) return;
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { packet, storedAt: now, expiresAt: now + ttl * 1000 });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** How long an answer may be kept: its smallest TTL; a denial's SOA minimum (RFC 2308). */
export function cacheTtl(packet: DecodedPacket): number {
  const records = (packet.answers ?? []).filter((r) => r.type !== 'OPT');
  if (records.length) return Math.min(MAX_TTL, ...records.map((r) => r.ttl ?? 0));
  const soa = (packet.authorities ?? []).find((r) => r.type === 'SOA');
  if (!soa || soa.type !== 'SOA') return 0;
  return Math.min(MAX_DENIAL_TTL, soa.ttl ?? 0, soa.data.minimum ?? 0);
}
