// What a new user runs into on the command line (issue 19, point 5): two `up -d` at once on a fresh home,
// `logs` of a pod that does not exist, and `up -d --port N` on a cluster that runs on another port.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn } from './harness.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-newuser-'));
const env = { KUBECONFIG: path.join(home, 'kubeconfig') };
const mk = (args: string[]) => cliIn(home, args, { env, timeoutMs: 60_000 });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('CLI as a new user meets it', () => {
  afterAll(async () => {
    await mk(['down', '--purge']);
    fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('`up -d & up -d` on a fresh home: one starts it, the other says it is already running (same pid)', async () => {
    const [a, b] = await Promise.all([mk(['up', '-d']), mk(['up', '-d'])]);
    const outs = [a, b].map((r) => r.stdout);
    expect([a.code, b.code]).toEqual([0, 0]);
    const startedOne = outs.filter((o) => o.includes('mini-kube control plane started in the background (pid '));
    const joined = outs.filter((o) => o.startsWith('mini-kube is already running (pid '));
    expect(startedOne).toHaveLength(1);
    expect(joined).toHaveLength(1);
    expect(outs.join('\n')).not.toContain('did not come up');
    const pid = /started in the background \(pid (\d+)\)/.exec(startedOne[0]!)![1];
    expect(joined[0]).toContain(`(pid ${pid}, https://127.0.0.1:`);
  }, 60_000);

  it('`logs nopod` says NotFound, as get and describe do', async () => {
    const logs = await mk(['logs', 'nopod']);
    const get = await mk(['get', 'pod', 'nopod']);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toBe('Error from server (NotFound): pods "nopod" not found\n');
    expect(get.stderr).toBe(logs.stderr);
  }, 30_000);

  it('`up -d --port N` on a cluster running on another port is refused; its own port is fine', async () => {
    const state = JSON.parse(fs.readFileSync(path.join(home, 'control-plane.json'), 'utf8')) as { pid: number; url: string };
    const running = new URL(state.url).port;
    const other = await freePort();
    const r = await mk(['up', '-d', '--port', String(other)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: mini-kube is already running on port ${running} (pid ${state.pid}); --port ${other} takes effect on a new start: run \`mini-kube down\` first\n`);
    const same = await mk(['up', '-d', '--port', running]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(`mini-kube is already running (pid ${state.pid}, ${state.url})`);
  }, 30_000);
});
