// The agent's choice of endpoint: round robin, ClientIP affinity with its timeout, pins dropped with their
// endpoint, and none when no endpoint is ready (the listener then resets the connection).
import { describe, expect, it } from 'vitest';
// @ts-expect-error the agent is plain JavaScript (it runs alone in its container)
import { Balancer } from '../../../src/network-agent/balancer.js';

const a = { ip: '172.18.0.2', port: 8080 };
const b = { ip: '172.18.0.3', port: 8080 };

describe('Balancer (the network agent)', () => {
  it('round robin over the endpoints, none when there are none', () => {
    const bal = new Balancer([a, b]);
    expect([bal.pick('c1'), bal.pick('c1'), bal.pick('c1')]).toEqual([a, b, a]);
    bal.update([]);
    expect(bal.pick('c1')).toBeUndefined();
  });

  it('ClientIP affinity pins a client until it has been idle for the timeout', () => {
    const bal = new Balancer([a, b], 10_000);
    const first = bal.pick('c1', 0);
    expect(bal.pick('c1', 5_000)).toEqual(first);
    expect(bal.pick('c1', 14_000)).toEqual(first); // touched at 5 s: idle 9 s
    expect(bal.pick('c2', 14_000)).not.toEqual(first);
    // idle 16 s > 10 s: the pin is gone, c1 takes its round-robin turn (the endpoint after c2's)
    const afterC2 = bal.pick('c4', 30_000);
    expect(bal.pick('c1', 30_001)).not.toEqual(afterC2);
  });

  it('a pin to an endpoint that left is dropped at once', () => {
    const bal = new Balancer([a, b], 10_000);
    const first = bal.pick('c1', 0);
    bal.update([first === a ? b : a], 10_000);
    expect(bal.pick('c1', 1)).toEqual(first === a ? b : a);
  });
});
