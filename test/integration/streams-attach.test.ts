// stdin/stdinOnce/tty on real containers, pods/attach and exec -it with kubectl 1.32 (WebSocket) and
// 1.20 (SPDY): the terminal's size at start and after a resize reaches the process (stty size answers
// it), kubectl run -it --rm, run -i with piped stdin (stdinOnce), logs of a TTY container, and
// client-node 1.4's Attach with a resizable stdout (channel 4).
import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './harness.js';
import { inPty, streamsEnv, type StreamsEnv } from './streams-support.js';

const IMAGE = 'ondalk8s/healthcheck:v1';
const shellPod = (name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: sh
    image: ${IMAGE}
    command: ["sh"]
    stdin: true
    tty: true
`;

function run(s: StreamsEnv, version: '1.32' | '1.20', args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [file, ...rest] = s.argv(version, args);
    const child = execFile(file!, rest, { env: s.env, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    child.stdin!.end(input);
  });
}

describe('streams: stdin, tty, attach and the terminal size', () => {
  let s: StreamsEnv;

  beforeAll(async () => {
    s = await streamsEnv();
    const pods = ['tty-exec', 'tty-a32', 'tty-a20', 'tty-node'].map(shellPod).join('---\n');
    const apply = await s.k.run(['apply', '-f', '-'], { input: pods });
    expect(apply.code, apply.stderr).toBe(0);
    const wait = await s.k.run(['wait', '--for=condition=Ready', 'pod', '--all', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(wait.code, wait.stderr).toBe(0);
  }, 150_000);
  afterAll(async () => {
    await s?.k.stop();
  });

  for (const version of ['1.32', '1.20'] as const) {
    it(`kubectl ${version} exec -it: the terminal size at start and after a resize`, async () => {
      const t = inPty(s.env, s.k.dir, s.argv(version, ['exec', '-it', 'tty-exec', '--', 'sh']), 100, 30);
      let at = await t.waitFor(/# /);
      t.send('stty size\r');
      at = await t.waitFor(/\r\n30 100\r\n/, at);
      t.resize(70, 20);
      // the shell reads the size when the command runs: ask until the resize has arrived
      await until('the new size in the container', async () => {
        t.send('stty size\r');
        return /\r\n20 70\r\n/.test(t.out().slice(at));
      }, 20_000);
      t.send('exit 7\r');
      expect(await t.exited).toBe(7);
    }, 60_000);

    it(`kubectl ${version} attach -it: the container's own shell, its size, resize; logs of the TTY container`, async () => {
      const pod = version === '1.32' ? 'tty-a32' : 'tty-a20';
      const t = inPty(s.env, s.k.dir, s.argv(version, ['attach', '-it', pod]), 90, 25);
      let at = await t.waitFor(/If you don't see a command prompt, try pressing enter\./);
      t.send(`echo attached-$((6*7))\r`);
      at = await t.waitFor(/attached-42/, at);
      t.send('stty size\r');
      at = await t.waitFor(/\r\n25 90\r\n/, at);
      t.resize(60, 15);
      await until('the container resized', async () => {
        t.send('stty size\r');
        return /\r\n15 60\r\n/.test(t.out().slice(at));
      }, 20_000);
      t.send('exit\r');
      expect(await t.exited).toBe(0);
      expect(t.out()).toContain(`Session ended, resume using 'kubectl attach ${pod} -c sh -i -t' command when the pod is running`);
      // A TTY container's log is the terminal's raw bytes (no stream multiplexing to take apart).
      const logs = await s.k.run(['logs', pod, '--previous']);
      expect(logs.code, logs.stderr).toBe(0);
      expect(logs.stdout).toContain('attached-42\r\n');
    }, 60_000);
  }

  it('kubectl 1.20 run -it --rm --restart=Never: a shell in a new pod, its exit code, the pod deleted after', async () => {
    const t = inPty(s.env, s.k.dir, s.argv('1.20', ['run', '-it', '--rm', '--restart=Never', `--image=${IMAGE}`, 'runner', '--', 'sh']), 80, 24);
    const at = await t.waitFor(/If you don't see a command prompt, try pressing enter\./, 0, 60_000);
    t.send('echo in-run-$((2+3))\r');
    await t.waitFor(/in-run-5/, at);
    t.send('exit 3\r');
    expect(await t.exited).toBe(3);
    expect(t.out()).toContain('pod "runner" deleted');
    await until('the pod to be gone', async () => (await s.k.run(['get', 'pod', 'runner'])).stderr.includes('NotFound'), 30_000);
  }, 90_000);

  for (const version of ['1.32', '1.20'] as const) {
    it(`kubectl ${version} run -i --rm --restart=Never with piped stdin: stdinOnce ends the container's input`, async () => {
      const name = `catter-${version.replace('.', '')}`;
      const r = await run(s, version, ['run', '-i', '--rm', '--restart=Never', `--image=${IMAGE}`, name, '--', 'sh', '-c', 'cat; echo done-$?'], 'line1\nline2\n');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('line1\nline2\ndone-0\n');
      expect(r.stdout).toContain(`pod "${name}" deleted`);
    }, 90_000);
  }

  it('client-node 1.4 Attach: stdin, tty and a resizable stdout drive channel 0 and channel 4', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.k.kubeconfig);
    const stdout = Object.assign(new PassThrough(), { columns: 77, rows: 21 });
    const stdin = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => { out += c.toString(); });
    const ws = await new k8s.Attach(kc).attach('default', 'tty-node', 'sh', stdout, null, stdin, true);
    try {
      await until('the first size', async () => {
        stdin.write('stty size\r');
        return out.includes('21 77');
      }, 20_000);
      const at = out.length;
      Object.assign(stdout, { columns: 101, rows: 31 });
      stdout.emit('resize');
      await until('the new size', async () => {
        stdin.write('stty size\r');
        return out.slice(at).includes('31 101');
      }, 20_000);
    } finally {
      ws.close();
    }
  }, 60_000);
});
