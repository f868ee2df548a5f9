// A command finds out from its own first request whether the control plane answers (decision 242: no
// /healthz round trip first), and starts it then: on a fresh home, and when the recorded control plane's
// pid is alive but nothing answers at its address (a stale state: the pid now belongs to another process).
// exec's WebSocket goes through the same recovery.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn } from './harness.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-autostart-'));
const env = { KUBECONFIG: path.join(home, 'kubeconfig') };
const mk = (args: string[]) => cliIn(home, args, { env, timeoutMs: 60_000 });
const stateFile = path.join(home, 'control-plane.json');
// the one line, with where it wrote the kubeconfig context (decision 246)
const NOTICE = /^mini-kube: the control plane was not running; started it in the background \(pid (\d+), https:\/\/127\.0\.0\.1:\d+\); kubeconfig context "mini-kube[^"]*" written to \S+( \(now current\))?$/m;

/** Stops the control plane and leaves its state behind with a live pid that is not a control plane's. */
async function staleState(): Promise<ChildProcess> {
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { pid: number };
  expect((await mk(['down'])).code).toBe(0);
  const impostor = spawn('sleep', ['120'], { stdio: 'ignore' });
  fs.writeFileSync(stateFile, JSON.stringify({ ...state, pid: impostor.pid }));
  return impostor;
}

describe('a command starts the control plane when its first request finds nothing answering', () => {
  afterAll(async () => {
    await mk(['down', '--purge']);
    fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('on a fresh home: get says it started it, then answers', async () => {
    const r = await mk(['get', 'pods']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(NOTICE);
    expect(r.stderr).toContain('No resources found in default namespace.');
    const again = await mk(['get', 'pods']);
    expect(again.stderr).not.toMatch(NOTICE);
  }, 60_000);

  it('with a stale state (a live pid, nothing at the address): get starts it and repeats its request', async () => {
    const impostor = await staleState();
    try {
      const r = await mk(['get', 'pods']);
      expect(r.code).toBe(0);
      const pid = Number(NOTICE.exec(r.stderr)?.[1]);
      expect(pid).not.toBe(impostor.pid);
      expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).pid).toBe(pid);
      expect(r.stderr).toContain('No resources found in default namespace.');
    } finally {
      impostor.kill();
    }
  }, 60_000);

  it('with a stale state: exec\'s WebSocket too (the repeated request gets the API\'s answer)', async () => {
    const impostor = await staleState();
    try {
      const r = await mk(['exec', 'nopod', '--', 'true']);
      expect(r.stderr).toMatch(NOTICE);
      expect(r.stderr).toContain('pods "nopod" not found');
      expect(r.code).toBe(1);
    } finally {
      impostor.kill();
    }
  }, 60_000);
});
