// The kernel data path (docs/decisions/162): what kube-proxy's iptables mode does, in the agent's own
// network namespace. A pod's packet to ClusterIP:port reaches the agent (it holds the address on eth0);
// the nat table's PREROUTING sends it to MK-SERVICES, which DNATs a new connection to one ready endpoint
// (`-m statistic --mode random`, kube-proxy's probabilities 1/n, 1/(n-1), ..., 1), and the kernel forwards
// it back out of eth0. The pods share one Docker bridge, so the endpoint would answer the client directly
// (from its own IP, which the client never dialled): MK-POSTROUTING masquerades what was DNATed out of
// eth0 (not Docker's own DNAT of its DNS server on lo), and the replies come back through the agent's
// conntrack. No byte is copied in userspace.
// A port without a ready endpoint has no rule: its connection reaches the agent's own listener, which
// resets it (services.js). The binary is the host's iptables-legacy, copied into the image
// (src/runtime/network-agent.ts); without it, or when a rule cannot be written, every port stays on the
// userspace relay.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CHAIN = 'MK-SERVICES';
const POST = 'MK-POSTROUTING';
const CONNTRACK = '/proc/net/nf_conntrack';
/** conntrack states of a TCP connection that is over (not counted as open) */
const OVER = new Set(['TIME_WAIT', 'CLOSE']);

/** a process that has started and waits for its input: the spawn is paid before it is needed */
function startProcess(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdin.on('error', () => {});
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || `exit ${code}`}`))));
  });
  done.catch(() => {});
  return {
    child,
    /** gives the process its input; settles when it exited (killed after 10 s) */
    finish(input) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.stdin.end(input);
      return done.finally(() => clearTimeout(timer));
    },
  };
}

function run(cmd, args, input) {
  return startProcess(cmd, args).finish(input ?? '');
}

const iptables = (args) => new Promise((resolve, reject) => {
  execFile('iptables-legacy', ['-w', '5', ...args], { timeout: 10_000 }, (err, _out, stderr) => (err ? reject(new Error(String(stderr).trim() || err.message)) : resolve()));
});

/** kube-proxy's rules for one port: endpoint i of n is taken with probability 1/(n-i), the last always. */
export function portRules(p) {
  const match = `-d ${p.ip}/32 -p tcp -m tcp --dport ${p.port}`;
  const n = p.backends.length;
  return p.backends.map((b, i) => {
    const chance = i < n - 1 ? ` -m statistic --mode random --probability ${(1 / (n - i)).toFixed(10)}` : '';
    return `-A ${CHAIN} ${match}${chance} -j DNAT --to-destination ${b.ip}:${b.port}`;
  });
}

/** the iptables-restore input that replaces MK-SERVICES (declaring a chain flushes it) */
export function restoreInput(ports) {
  return ['*nat', `:${CHAIN} - [0:0]`, ...ports.flatMap(portRules), 'COMMIT', ''].join('\n');
}

/**
 * Open connections per endpoint IP among the DNATed ones, from the conntrack table's text: the original
 * direction's destination is a ClusterIP of `clusterIPs`, the reply's source is the endpoint.
 */
export function countOpen(text, clusterIPs) {
  const counts = {};
  for (const line of text.split('\n')) {
    if (!line.includes(' tcp ')) continue;
    const fields = line.split(/\s+/);
    const state = fields[5];
    if (OVER.has(state)) continue;
    const dst = fields.find((f) => f.startsWith('dst='))?.slice(4);
    if (!dst || !clusterIPs.has(dst)) continue;
    const sources = fields.filter((f) => f.startsWith('src='));
    const endpoint = sources[1]?.slice(4);
    if (endpoint) counts[endpoint] = (counts[endpoint] ?? 0) + 1;
  }
  return counts;
}

export class KernelPath {
  /** @param {(line: string) => void} log */
  constructor(log) {
    this.log = log;
    this.available = false;
    this.applied = undefined;
    this.wanted = undefined;
    this.again = false;
    /** @type {Promise<void> | undefined} */
    this.running = undefined;
    /** the next iptables-restore, started and waiting for its input (it takes the lock only to commit) */
    this.spare = undefined;
  }

  /** Applies one restore input through the waiting process, and starts the next one. */
  restore(text) {
    let proc = this.spare;
    this.spare = undefined;
    // none waiting, or the waiting one is gone: a new one
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) proc = startProcess('iptables-legacy-restore', ['--noflush']);
    const applied = proc.finish(text);
    // the next one starts once this one is done, so one process at most waits
    void applied.catch(() => {}).then(() => { if (this.available && !this.spare) this.spare = startProcess('iptables-legacy-restore', ['--noflush']); });
    return applied;
  }

  /** Sets the chains up; leaves `available` false (userspace relay only) when it cannot. */
  async init() {
    try {
      if (readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() !== '1') throw new Error('net.ipv4.ip_forward is 0 in the agent');
      await run('iptables-legacy-restore', ['--noflush'], `*nat\n:${CHAIN} - [0:0]\n:${POST} - [0:0]\n-A ${POST} -o eth0 -m conntrack --ctstate DNAT -j MASQUERADE\nCOMMIT\n`);
      for (const [hook, chain] of [['PREROUTING', CHAIN], ['POSTROUTING', POST]]) {
        await iptables(['-t', 'nat', '-C', hook, '-j', chain]).catch(() => iptables(['-t', 'nat', '-I', hook, '1', '-j', chain]));
      }
      this.applied = restoreInput([]);
      await run('iptables-legacy-restore', ['--noflush'], this.applied);
      this.available = true;
      this.spare = startProcess('iptables-legacy-restore', ['--noflush']);
      this.log('network agent: kernel data path (iptables DNAT + masquerade in the agent)');
    } catch (err) {
      this.log(`network agent: userspace relay only, no kernel data path: ${err.message}`);
    }
  }

  /**
   * Makes MK-SERVICES say `ports` ({ip, port, backends}[], TCP, each with a ready endpoint). Calls made
   * while a restore runs are folded into the next one; the promise settles when what was asked is in.
   */
  sync(ports) {
    if (!this.available) return Promise.resolve();
    this.wanted = restoreInput(ports);
    if (this.running) { this.again = true; return this.running; }
    if (this.wanted === this.applied) return Promise.resolve();
    this.running = (async () => {
      do {
        this.again = false;
        const text = this.wanted;
        if (text === this.applied) continue;
        try {
          await this.restore(text);
          this.applied = text;
        } catch (err) {
          // rules that may be stale must not steer traffic: empty the chain, relay in userspace from now on
          this.log(`kernel data path off: ${err.message}`);
          this.available = false;
          this.spare?.child.kill('SIGKILL');
          this.spare = undefined;
          await run('iptables-legacy-restore', ['--noflush'], restoreInput([])).catch(() => iptables(['-t', 'nat', '-F', CHAIN]).catch(() => {}));
        }
      } while (this.again && this.available);
    })().finally(() => { this.running = undefined; });
    return this.running;
  }

  /** open DNATed connections per endpoint IP ({} when the table cannot be read) */
  openCounts(clusterIPs) {
    if (!this.available || clusterIPs.size === 0) return {};
    try {
      return countOpen(readFileSync(CONNTRACK, 'utf8'), clusterIPs);
    } catch {
      return {};
    }
  }
}
