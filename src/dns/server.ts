// The cluster DNS server: UDP and TCP on one port. Names of the cluster domain are answered from the
// snapshot (answer.ts); others are forwarded to the upstream resolvers, their answers cached (cache.ts).
// A UDP answer larger than the client takes (512 bytes, or its EDNS size) goes out truncated (TC) so the
// client asks again over TCP. A malformed packet gets FORMERR when its header can be read, else nothing:
// nothing a client sends can stop the server.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import type { DnsSnapshot } from '../kube/dns-snapshot.js';
import { answer, RCODE, reply, inZone } from './answer.js';
import { AnswerCache } from './cache.js';
import { Forwarder, parseUpstream } from './forward.js';

export interface DnsServerOptions {
  /** 53 in the agent; 0 picks a free port (the same for UDP and TCP) */
  port: number;
  host: string;
  /** the current snapshot; called for every cluster query (keep it cheap: return the object you hold) */
  snapshot: () => DnsSnapshot;
  /** the resolvers for other names: "ip" or "ip:port" (in the agent: its /etc/resolv.conf's nameservers) */
  upstream: string[];
  /** record TTL of cluster answers (default 5, CoreDNS's) */
  ttl?: number;
  /** forwarded answers kept (default 1000) */
  cacheSize?: number;
  upstreamTimeoutMs?: number;
}

export interface DnsServer {
  readonly host: string;
  readonly port: number;
  readonly cache: AnswerCache;
  /** queries answered, per kind, for the bench and the agent's metrics */
  readonly stats: { cluster: number; forwarded: number; cached: number; malformed: number; truncated: number };
  close(): Promise<void>;
}

/** The classic DNS-over-UDP limit, without EDNS */
const UDP_PLAIN_MAX = 512;
/** the size we advertise and honour at most over UDP (DNS flag day 2020) */
const EDNS_MAX = 1232;
/** an idle TCP client is closed after this long */
const TCP_IDLE_MS = 10_000;
const MAX_TCP_CONNECTIONS = 256;
/** encoded cluster answers kept per snapshot (a lookup loop asks the same few names again and again) */
const MEMO_SIZE = 1000;

export async function createDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const cache = new AnswerCache(opts.cacheSize ?? 1000);
  const forwarder = new Forwarder(opts.upstream.map(parseUpstream), opts.upstreamTimeoutMs ?? 2000);
  const stats = { cluster: 0, forwarded: 0, cached: 0, malformed: 0, truncated: 0 };
  const serial = Math.floor(Date.now() / 1000);
  // A cluster answer depends only on the query's bytes (id aside), the transport and the snapshot (the TTL
  // and the SOA serial are fixed): the same query again gets the same bytes with its own id, with no
  // decode, lookup or encode. Dropped whenever the snapshot object changes.
  let memo: { snapshot: DnsSnapshot | undefined; answers: Map<string, Buffer> } = { snapshot: undefined, answers: new Map() };

  async function handle(buf: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    if (buf.length < 12) {
      stats.malformed++;
      return undefined;
    }
    const current = opts.snapshot();
    if (memo.snapshot !== current) memo = { snapshot: current, answers: new Map() };
    const memoKey = (tcp ? 't' : 'u') + buf.toString('latin1', 2);
    const known = memo.answers.get(memoKey);
    if (known) {
      stats.cluster++;
      const out = Buffer.from(known);
      out.writeUInt16BE(buf.readUInt16BE(0), 0);
      return out;
    }
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(buf);
    } catch {
      stats.malformed++;
      // the header was readable: tell the client its query was malformed
      const header = { id: buf.readUInt16BE(0), flags: buf.readUInt16BE(2) & 0x7fff };
      if (header.flags & 0x8000) return undefined;
      return dnsPacket.encode(reply({ ...header, questions: [] }, RCODE.FORMERR));
    }
    if (query.type === 'response') return undefined;
    const opcode = ((query.flags ?? 0) >> 11) & 0xf;
    if (opcode !== 0) return finish(reply(query, RCODE.NOTIMP), query, tcp);
    if (query.questions?.length !== 1) return finish(reply(query, RCODE.FORMERR), query, tcp);
    const q = query.questions[0];
    const snapshot = current;
    const local = answer(query, snapshot, { ttl: opts.ttl, serial });
    if (local) {
      stats.cluster++;
      // an ExternalName's target looked up upstream is not the snapshot's alone: not kept
      const forwarded = await followCname(local, query, tcp, snapshot.clusterDomain);
      const bytes = finish(local, query, tcp);
      if (!forwarded && memo.snapshot === snapshot && memo.answers.size < MEMO_SIZE) memo.answers.set(memoKey, bytes);
      return bytes;
    }
    const key = `${q.name.toLowerCase()}|${q.type}|${q.class ?? 'IN'}|${hasEdns(query) ? 'e' : ''}`;
    const cached = cache.get(key);
    if (cached) {
      stats.cached++;
      return finish({ ...cached, id: query.id, questions: query.questions }, query, tcp);
    }
    stats.forwarded++;
    const raw = await forwarder.forward(buf, tcp);
    if (!raw) return finish(reply(query, RCODE.SERVFAIL, 1 << 7), query, tcp);
    try {
      cache.set(key, dnsPacket.decode(raw));
    } catch {
      // an answer we cannot read is passed on, not cached
    }
    return raw;
  }

  /** An ExternalName's CNAME to a name outside the cluster: its addresses follow, as CoreDNS looks them up. */
  /** true when it asked upstream */
  async function followCname(res: Packet, query: DecodedPacket, tcp: boolean, zone: string): Promise<boolean> {
    const q = query.questions![0];
    const last = res.answers?.[res.answers.length - 1];
    if ((q.type !== 'A' && q.type !== 'AAAA') || last?.type !== 'CNAME' || inZone(last.data, zone)) return false;
    const sub = dnsPacket.encode({ type: 'query', id: query.id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: q.type, name: last.data, class: 'IN' }] });
    const raw = await forwarder.forward(sub, tcp);
    if (!raw) return true;
    try {
      const got = dnsPacket.decode(raw);
      res.answers!.push(...(got.answers ?? []).filter((r) => r.type !== 'OPT'));
    } catch {
      // the CNAME alone, as CoreDNS answers when the target does not resolve
    }
    return true;
  }

  /** The reply's bytes: EDNS echoed, and over UDP cut to what the client takes (TC set). */
  function finish(res: Packet, query: DecodedPacket, tcp: boolean): Buffer {
    const edns = (query.additionals ?? []).find((r) => r.type === 'OPT');
    const additionals: Answer[] = (res.additionals ?? []).filter((r) => r.type !== 'OPT');
    const opt: Answer = { type: 'OPT', name: '.', udpPayloadSize: EDNS_MAX, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    if (edns) additionals.push(opt);
    const out = { ...res, type: 'response' as const, additionals };
    const bytes = dnsPacket.encode(out);
    if (tcp) return bytes;
    const max = edns && edns.type === 'OPT' ? Math.min(Math.max(edns.udpPayloadSize, UDP_PLAIN_MAX), EDNS_MAX) : UDP_PLAIN_MAX;
    if (bytes.length <= max) return bytes;
    stats.truncated++;
    return dnsPacket.encode({ ...out, flags: (out.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: edns ? [opt] : [] });
  }

  const safely = (buf: Buffer, tcp: boolean): Promise<Buffer | undefined> => handle(buf, tcp).catch(() => {
    stats.malformed++;
    return undefined;
  });

  const tcpServer = createServer({ pauseOnConnect: false }, (sock) => serveTcp(sock, safely));
  tcpServer.maxConnections = MAX_TCP_CONNECTIONS;
  tcpServer.on('error', () => {});
  const { udp, port } = await listen(tcpServer, opts.host, opts.port);
  udp.on('message', (msg, rinfo) => {
    void safely(msg, false).then((res) => {
      if (!res) return;
      try {
        udp.send(res, rinfo.port, rinfo.address, () => {});
      } catch {
        // closed meanwhile
      }
    });
  });

  return {
    host: opts.host,
    port,
    cache,
    stats,
    async close() {
      forwarder.close();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcpServer.close(() => resolve()));
    },
  };
}

function hasEdns(p: DecodedPacket): boolean {
  return (p.additionals ?? []).some((r) => r.type === 'OPT');
}

/** DNS over TCP: two bytes of length before each message, several queries on one connection. */
function serveTcp(sock: TcpSocket, handle: (buf: Buffer, tcp: boolean) => Promise<Buffer | undefined>): void {
  let buf = Buffer.alloc(0);
  sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      void handle(Buffer.from(msg), true).then((res) => {
        if (!res || sock.destroyed) return;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(res.length);
        sock.write(Buffer.concat([len, res]));
      });
    }
  });
}

/** TCP and UDP on the same port (a free one for port 0: TCP picks, UDP follows, again if taken). */
async function listen(tcp: Server, host: string, port: number): Promise<{ udp: Socket; port: number }> {
  for (let attempt = 0; ; attempt++) {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, host, () => { tcp.off('error', reject); resolve(); });
    });
    const bound = (tcp.address() as { port: number }).port;
    const udp = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(bound, host, () => { udp.off('error', reject); resolve(); });
      });
      udp.on('error', () => {});
      return { udp, port: bound };
    } catch (err) {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      if (port !== 0 || attempt >= 5) throw err;
    }
  }
}
