// nodePort allocation is collision-proof across processes: a port found free stays bound (held) until
// the proxy serves it, so a second allocator (another cluster, another process) cannot get it meanwhile.
// Two PortReservations stand for two processes: the exclusion is the operating system's bind.
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { PortReservations } from '../../src/service-proxy/port-reservations.js';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('nodePort reservations', () => {
  it('a port one allocator found free is refused to another until released', async () => {
    const a = new PortReservations('127.0.0.1');
    const b = new PortReservations('127.0.0.1');
    const port = await freePort();
    expect(await a.probe(port)).toBe(true);
    expect(await b.probe(port)).toBe(false); // the gap of probe-then-bind is gone
    expect(await a.probe(port)).toBe(false); // nor twice in one process (two Services admitted at once)

    const server = a.take(port)!;
    expect(server.listening).toBe(true); // the proxy takes over a bound listener
    expect(a.take(port)).toBeUndefined();
    expect(await b.probe(port)).toBe(false);
    await new Promise<void>((r) => server.close(() => r()));
    expect(await b.probe(port)).toBe(true);
    b.close();
  });

  it('a reservation nobody takes is released after its hold time', async () => {
    const a = new PortReservations('127.0.0.1', 200);
    const b = new PortReservations('127.0.0.1');
    const port = await freePort();
    expect(await a.probe(port)).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(a.take(port)).toBeUndefined();
    expect(await b.probe(port)).toBe(true);
    b.close();
  });
});
