// The ClusterIPs this agent answers for, as /32 addresses of its eth0: pods on the same Docker network
// (one L2 segment) ARP for them and the agent's kernel answers, so no route is needed anywhere.
import { execFile } from 'node:child_process';

function ip(args) {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 5000 }, (err, _stdout, stderr) => {
      if (err && !/File exists|Cannot assign|not found/i.test(String(stderr))) reject(new Error(`ip ${args.join(' ')}: ${stderr || err.message}`));
      else resolve();
    });
  });
}

export class Addresses {
  constructor(device = 'eth0') {
    this.device = device;
    /** @type {Map<string, Promise<void>>} */
    this.held = new Map();
  }

  /** Adds the address once; concurrent callers share the one `ip addr add`. */
  ensure(address) {
    let p = this.held.get(address);
    if (!p) {
      p = ip(['addr', 'add', `${address}/32`, 'dev', this.device]);
      this.held.set(address, p);
      p.catch(() => this.held.delete(address));
    }
    return p;
  }

  async release(address) {
    if (!this.held.delete(address)) return;
    await ip(['addr', 'del', `${address}/32`, 'dev', this.device]).catch(() => undefined);
  }
}
