// Forwarding of names outside the cluster domain to the upstream resolvers (CoreDNS's `forward . 
// /etc/resolv.conf`): the client's query bytes as they are (its EDNS options included) under an id of our
// own, over the transport the client used; the next upstream on a timeout or an error.
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { randomInt } from 'node:crypto';

export interface Upstream {
  host: string;
  port: number;
}

/** "10.0.0.2", "10.0.0.2:5353", "[::1]:53", "::1" */
export function parseUpstream(s: string): Upstream {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(s);
  if (bracketed) return { host: bracketed[1], port: Number(bracketed[2] ?? 53) };
  const colons = s.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = s.split(':');
    return { host, port: Number(port) };
  }
  return { host: s, port: 53 };
}

/** The nameservers of a resolv.conf text, as upstreams. */
export function upstreamsFromResolvConf(text: string): string[] {
  return text.split('\n').map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((x): x is string => !!x);
}

interface Pending {
  resolve(buf: Buffer): void;
  upstream: Upstream;
}

export class Forwarder {
  private udp4?: Socket;
  private udp6?: Socket;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly upstreams: Upstream[], private readonly timeoutMs = 2000) {}

  /** The upstream's response to the query bytes (its id set back to the query's), or undefined. */
  async forward(query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    const id = query.readUInt16BE(0);
    for (const upstream of this.upstreams) {
      if (this.closed) return undefined;
      const res = tcp ? await this.viaTcp(query, upstream) : await this.viaUdp(query, upstream);
      if (res && res.length >= 12) {
        res.writeUInt16BE(id, 0);
        return res;
      }
    }
    return undefined;
  }

  private socket(host: string): Socket {
    const v6 = host.includes(':');
    let s = v6 ? this.udp6 : this.udp4;
    if (!s) {
      s = createSocket(v6 ? 'udp6' : 'udp4');
      s.on('message', (msg, rinfo) => {
        if (msg.length < 12) return;
        const p = this.pending.get(msg.readUInt16BE(0));
        // an answer from anyone but the upstream asked is not one (spoofing)
        if (!p || p.upstream.port !== rinfo.port || normalizeHost(p.upstream.host) !== normalizeHost(rinfo.address)) return;
        p.resolve(msg);
      });
      s.on('error', () => {});
      s.unref();
      if (v6) this.udp6 = s;
      else this.udp4 = s;
    }
    return s;
  }

  private viaUdp(query: Buffer, upstream: Upstream): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      let id = randomInt(0x10000);
      while (this.pending.has(id)) id = randomInt(0x10000);
      const out = Buffer.from(query);
      out.writeUInt16BE(id, 0);
      const done = (buf: Buffer | undefined): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(buf);
      };
      const timer = setTimeout(() => done(undefined), this.timeoutMs);
      this.pending.set(id, { resolve: done, upstream });
      this.socket(upstream.host).send(out, upstream.port, upstream.host, (err) => { if (err) done(undefined); });
    });
  }

  private viaTcp(query: Buffer, upstream: Upstream): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const sock = connect({ host: upstream.host, port: upstream.port });
      let buf = Buffer.alloc(0);
      const done = (res: Buffer | undefined): void => {
        clearTimeout(timer);
        sock.destroy();
        resolve(res);
      };
      const timer = setTimeout(() => done(undefined), this.timeoutMs);
      sock.on('error', () => done(undefined));
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        sock.write(Buffer.concat([len, query]));
      });
      sock.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on('close', () => done(undefined));
    });
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) p.resolve(Buffer.alloc(0));
    this.udp4?.close();
    this.udp6?.close();
  }
}

function normalizeHost(h: string): string {
  return h.replace(/^::ffff:/, '').toLowerCase();
}
