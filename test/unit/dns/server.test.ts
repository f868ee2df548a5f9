// The DNS server on 127.0.0.1, asked through node's own resolver (c-ares, dns.Resolver with setServers)
// as a program in a pod asks: cluster names from the snapshot, other names forwarded to an upstream (a
// small dns-packet server here) and cached, large answers over TCP after a truncated UDP one, errors as
// resolver codes; and fuzzed packets over UDP and TCP that leave it answering.
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { DnsService, DnsSnapshot } from '../../../src/kube/dns-snapshot.js';
import { createDnsServer, type DnsServer } from '../../../src/dns/server.js';

/** An upstream resolver: example.org and www.example.org answer, anything else is NXDOMAIN. */
async function fakeUpstream(): Promise<{ port: number; queries: string[]; socket: Socket }> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions![0];
    queries.push(`${question.name} ${question.type}`);
    const known = question.name === 'example.org' || question.name === 'www.example.org';
    const answers = known && question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 300, class: 'IN' as const, data: '93.184.216.34' }] : [];
    const res = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3), questions: q.questions, answers,
      authorities: known ? [] : [{ type: 'SOA', name: 'org', ttl: 60, class: 'IN', data: { mname: 'a0.org', rname: 'noc.org', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } }] });
    socket.send(res, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: socket.address().port, queries, socket };
}

const many: DnsService = {
  namespace: 'shop', name: 'many', type: 'ClusterIP', clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  endpoints: Array.from({ length: 120 }, (_, i) => ({ ip: `172.19.${Math.floor(i / 250)}.${(i % 250) + 1}`, ready: true })),
};
let snapshot: DnsSnapshot = {
  clusterDomain: 'cluster.local',
  services: [
    { namespace: 'shop', name: 'web', type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], endpoints: [] },
    { namespace: 'shop', name: 'ext', type: 'ExternalName', externalName: 'www.example.org', ports: [], endpoints: [] },
    many,
  ],
  pods: [],
};

describe('the DNS server, through node:dns', () => {
  let upstream: Awaited<ReturnType<typeof fakeUpstream>>;
  let server: DnsServer;
  let resolver: Resolver;
  beforeAll(async () => {
    upstream = await fakeUpstream();
    server = await createDnsServer({ port: 0, host: '127.0.0.1', snapshot: () => snapshot, upstream: [`127.0.0.1:${upstream.port}`] });
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
  });
  afterAll(async () => {
    await server?.close();
    upstream?.socket.close();
  });

  it('answers cluster names: A, SRV, the ExternalName CNAME followed to its addresses', async () => {
    expect(await resolver.resolve4('web.shop.svc.cluster.local', { ttl: true })).toEqual([{ address: '10.96.0.20', ttl: 5 }]);
    expect(await resolver.resolveSrv('_http._tcp.web.shop.svc.cluster.local')).toEqual([{ name: 'web.shop.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    expect(await resolver.resolveCname('ext.shop.svc.cluster.local')).toEqual(['www.example.org']);
    expect(await resolver.resolve4('ext.shop.svc.cluster.local')).toEqual(['93.184.216.34']);
  });

  it('NXDOMAIN and NODATA reach the client as ENOTFOUND and ENODATA', async () => {
    await expect(resolver.resolve4('nope.shop.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('web.shop.svc.cluster.local')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('sees a new snapshot at once', async () => {
    await expect(resolver.resolve4('late.shop.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    snapshot = { ...snapshot, services: [...snapshot.services, { namespace: 'shop', name: 'late', type: 'ClusterIP', clusterIP: '10.96.0.99', ports: [{ port: 80, protocol: 'TCP' }], endpoints: [] }] };
    expect(await resolver.resolve4('late.shop.svc.cluster.local')).toEqual(['10.96.0.99']);
  });

  it('the same query again: the same answer with its own id, until the snapshot changes', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
    const ask = (id: number): Promise<dnsPacket.DecodedPacket> => new Promise((resolve) => {
      sock.once('message', (m) => resolve(dnsPacket.decode(m)));
      sock.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'web.shop.svc.cluster.local', class: 'IN' }] }), server.port, '127.0.0.1');
    });
    const before = server.stats.cluster;
    const [a, b] = [await ask(101), await ask(202)];
    expect([a.id, b.id]).toEqual([101, 202]);
    expect(b.answers).toEqual(a.answers);
    expect(a.answers!.map((r) => (r as { data?: unknown }).data)).toEqual(['10.96.0.20']);
    expect(server.stats.cluster - before).toBe(2);
    const web = snapshot.services.find((s) => s.name === 'web')!;
    snapshot = { ...snapshot, services: [...snapshot.services.filter((s) => s !== web), { ...web, clusterIP: '10.96.0.21' }] };
    expect((await ask(303)).answers!.map((r) => (r as { data?: unknown }).data)).toEqual(['10.96.0.21']);
    snapshot = { ...snapshot, services: [...snapshot.services.filter((s) => s.name !== 'web'), web] };
    expect((await ask(404)).answers!.map((r) => (r as { data?: unknown }).data)).toEqual(['10.96.0.20']);
    sock.close();
  });

  it('forwards other names to the upstream, and answers the second lookup from its cache', async () => {
    const before = upstream.queries.filter((q) => q === 'example.org A').length;
    expect(await resolver.resolve4('example.org')).toEqual(['93.184.216.34']);
    expect(await resolver.resolve4('EXAMPLE.org')).toEqual(['93.184.216.34']);
    expect(upstream.queries.filter((q) => q.toLowerCase() === 'example.org a').length).toBe(before + 1);
    await expect(resolver.resolve4('nothing.example.net')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('nothing.example.net')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(upstream.queries.filter((q) => q === 'nothing.example.net A').length).toBe(1);
    expect(server.stats.cached).toBeGreaterThanOrEqual(2);
  });

  it('a large answer: truncated over UDP, whole over TCP (the resolver asks again)', async () => {
    const truncated = server.stats.truncated;
    const got = await resolver.resolve4('many.shop.svc.cluster.local');
    expect(got.sort()).toEqual(many.endpoints.map((e) => e.ip).sort());
    expect(server.stats.truncated).toBe(truncated + 1);
  });

  it('answers several queries on one TCP connection', async () => {
    const sock = connect({ host: '127.0.0.1', port: server.port });
    const replies: number[] = [];
    const done = new Promise<void>((resolve) => {
      let buf = Buffer.alloc(0);
      sock.on('data', (c) => {
        buf = Buffer.concat([buf, c]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          replies.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))).id!);
          buf = buf.subarray(2 + buf.readUInt16BE(0));
          if (replies.length === 2) resolve();
        }
      });
    });
    sock.write(Buffer.concat([1, 2].map((id) => dnsPacket.streamEncode({ type: 'query', id, questions: [{ type: 'A', name: 'web.shop.svc.cluster.local' }] }))));
    await done;
    sock.destroy();
    expect(replies.sort()).toEqual([1, 2]);
  });

  it('SERVFAIL when no upstream answers', async () => {
    const dead = createSocket('udp4');
    await new Promise<void>((resolve) => dead.bind(0, '127.0.0.1', () => resolve()));
    const lonely = await createDnsServer({ port: 0, host: '127.0.0.1', snapshot: () => snapshot, upstream: [`127.0.0.1:${dead.address().port}`], upstreamTimeoutMs: 200 });
    const r = new Resolver({ timeout: 3000, tries: 1 });
    r.setServers([`127.0.0.1:${lonely.port}`]);
    await expect(r.resolve4('example.com')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect(await r.resolve4('web.shop.svc.cluster.local')).toEqual(['10.96.0.20']);
    await lonely.close();
    dead.close();
  });

  it('survives fuzzed packets over UDP and TCP, answering FORMERR where the header is readable', async () => {
    // a fixed-seed generator: the same packets every run
    let seed = 12345;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const valid = dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'SRV', name: '_http._tcp.web.shop.svc.cluster.local' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] });
    const packets: Buffer[] = [Buffer.alloc(0), Buffer.alloc(5), Buffer.alloc(12, 0xff), Buffer.from('GET / HTTP/1.1\r\n\r\n')];
    for (let i = 0; i < 400; i++) {
      if (i % 2) {
        const p = Buffer.from(valid);
        for (let k = 0; k < 1 + rand(6); k++) p[rand(p.length)] = rand(256);
        packets.push(i % 5 ? p : p.subarray(0, rand(p.length)));
      } else {
        packets.push(Buffer.from(Array.from({ length: rand(600) }, () => rand(256))));
      }
    }
    const udp = createSocket('udp4');
    const formerr: number[] = [];
    const waiting = new Map<number, () => void>();
    udp.on('message', (m) => {
      if (m.length >= 4 && (m.readUInt16BE(2) & 0xf) === 1) formerr.push(m.readUInt16BE(0));
      if (m.length >= 2) waiting.get(m.readUInt16BE(0))?.();
    });
    // a valid query after every batch: the server answers it after the batch (one socket, in order), and
    // the batch never overflows the socket's receive buffer (the kernel would drop packets, not the server)
    const answered = (id: number): Promise<void> => new Promise((resolve) => {
      waiting.set(id, resolve);
      udp.send(dnsPacket.encode({ type: 'query', id, questions: [{ type: 'A', name: 'web.shop.svc.cluster.local' }] }), server.port, '127.0.0.1');
    });
    for (let i = 0; i < packets.length; i += 20) {
      for (const p of packets.slice(i, i + 20)) udp.send(p, server.port, '127.0.0.1');
      await answered(60000 + i);
    }
    const tcp = connect({ host: '127.0.0.1', port: server.port });
    await new Promise<void>((resolve) => tcp.on('connect', () => resolve()));
    for (const p of packets.slice(0, 100)) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(p.length);
      tcp.write(Buffer.concat([len, p]));
    }
    tcp.write(Buffer.from([0xff, 0xff, 1, 2, 3]));
    tcp.destroy();
    udp.send(Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xc0]), server.port, '127.0.0.1');
    await answered(1);
    // still answering, over UDP (c-ares) and TCP
    expect(await resolver.resolve4('web.shop.svc.cluster.local')).toEqual(['10.96.0.20']);
    expect(await resolver.resolve4('many.shop.svc.cluster.local')).toHaveLength(120);
    expect(formerr).toContain(0x1234);
    expect(server.stats.malformed).toBeGreaterThan(50);
    udp.close();
  });
});
