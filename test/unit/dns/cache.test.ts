import { describe, expect, it } from 'vitest';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { AnswerCache, cacheTtl } from '../../../src/dns/cache.js';

const packet = (p: Parameters<typeof dnsPacket.encode>[0]): DecodedPacket => dnsPacket.decode(dnsPacket.encode({ type: 'response', questions: [{ type: 'A', name: 'example.org' }], ...p }));
const a = (ttl: number) => ({ type: 'A' as const, name: 'example.org', ttl, class: 'IN' as const, data: '93.184.216.34' });
const soa = (ttl: number, minimum: number) => ({ type: 'SOA' as const, name: 'org', ttl, class: 'IN' as const, data: { mname: 'a', rname: 'b', minimum } });

describe('the cache of forwarded answers', () => {
  it('keeps an answer for its smallest TTL and counts the TTLs down', () => {
    let now = 1_000_000;
    const cache = new AnswerCache(10, () => now);
    cache.set('k', packet({ answers: [a(300), a(60)] }));
    now += 10_500;
    expect(cache.get('k')!.answers!.map((r) => ('ttl' in r ? r.ttl : undefined))).toEqual([290, 50]);
    now += 50_000;
    expect(cache.get('k')).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('keeps a denial for the SOA minimum (capped by its TTL), never SERVFAIL or a truncated answer', () => {
    expect(cacheTtl(packet({ flags: 3, authorities: [soa(900, 60)] }))).toBe(60);
    expect(cacheTtl(packet({ flags: 3, authorities: [soa(30, 60)] }))).toBe(30);
    const cache = new AnswerCache(10, () => 0);
    cache.set('fail', packet({ flags: 2, answers: [a(60)] }));
    cache.set('tc', packet({ flags: dnsPacket.TRUNCATED_RESPONSE, answers: [a(60)] }));
    cache.set('ttl0', packet({ answers: [a(0)] }));
    expect(cache.size).toBe(0);
  });

  it('drops the least recently used entry past its capacity', () => {
    const cache = new AnswerCache(2, () => 0);
    cache.set('a', packet({ answers: [a(60)] }));
    cache.set('b', packet({ answers: [a(60)] }));
    cache.get('a');
    cache.set('c', packet({ answers: [a(60)] }));
    expect([cache.get('a') !== undefined, cache.get('b') !== undefined, cache.get('c') !== undefined]).toEqual([true, false, true]);
  });
});
