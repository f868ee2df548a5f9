// `mini-kube up` merges a context into the user's kubeconfig as kind and minikube do, `down --purge`
// removes it, `--no-kubeconfig` skips it, and kubectl then works with no flags but --context. Runs the
// CLI as a user does (a background control plane), with HOME and KUBECONFIG pointed at a temp dir.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/control-plane/home.js';
import { CLI } from './harness.js';
import type { Run } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
let dir: string;
let home: string;
let kubeconfig: string;

const OTHER = `apiVersion: v1
kind: Config
clusters:
- name: work
  cluster: {server: "https://10.0.0.1:6443"}
users:
- name: work
  user: {token: keep-me}
contexts:
- name: work
  context: {cluster: work, user: work}
current-context: work
preferences: {colors: true}
`;

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, {
      env: { ...process.env, HOME: dir, MINI_KUBE_HOME: home, KUBECONFIG: `${kubeconfig}${path.delimiter}${path.join(dir, 'second')}`, LANG: 'C' },
      timeout: 90_000,
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}
const mk = (args: string[]) => run(process.execPath, [CLI, ...args]);
const kubectl = (args: string[]) => run(KUBECTL, ['--cache-dir', path.join(dir, 'cache'), ...args]);
const contexts = () => (YAML.parse(fs.readFileSync(kubeconfig, 'utf8')) as { contexts: { name: string }[] }).contexts.map((c) => c.name);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-kubeconfig-'));
  home = path.join(dir, 'mk-home');
  kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(kubeconfig, OTHER, { mode: 0o644 });
});

afterAll(async () => {
  const state = readState(home);
  if (state) {
    await mk(['down']);
    try { process.kill(state.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubeconfig merge by up / down --purge', () => {
  it('up --no-kubeconfig leaves the kubeconfig alone; `mini-kube kubeconfig` prints one that kubectl uses', async () => {
    const up = await mk(['up', '-d', '--no-kubeconfig']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).not.toContain('kubeconfig:');
    expect(fs.readFileSync(kubeconfig, 'utf8')).toBe(OTHER);

    const printed = await mk(['kubeconfig']);
    expect(printed.code, printed.stderr).toBe(0);
    const doc = YAML.parse(printed.stdout);
    const id = readState(home)!.clusterId;
    const name = `mini-kube-${id}`; // a home other than ~/.mini-kube: the name carries the cluster id
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'Config', 'current-context': name });
    expect(doc.clusters[0].cluster.server).toBe(readState(home)!.url);
    expect(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(fs.readFileSync(path.join(home, 'ca.crt'), 'utf8'));
    expect(doc.users[0].user.token).toBe(fs.readFileSync(path.join(home, 'token'), 'utf8').trim());
    const file = path.join(dir, 'printed');
    fs.writeFileSync(file, printed.stdout);
    const ns = await kubectl(['--kubeconfig', file, 'get', 'ns', 'default', '-o', 'name']);
    expect(ns.stdout.trim(), ns.stderr).toBe('namespace/default');
  }, 60_000);

  it('up merges the context into the first $KUBECONFIG file, keeps the others and the current context; 0600', async () => {
    const name = `mini-kube-${readState(home)!.clusterId}`;
    const up = await mk(['up', '-d']); // already running: merges all the same
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`kubeconfig: context "${name}" written to ${kubeconfig}; the current context stays "work"`);
    expect(contexts()).toEqual(['work', name]);
    const doc = YAML.parse(fs.readFileSync(kubeconfig, 'utf8'));
    expect(doc['current-context']).toBe('work');
    expect(doc.users[0]).toEqual({ name: 'work', user: { token: 'keep-me' } });
    expect(doc.preferences).toEqual({ colors: true });
    expect(fs.statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dir, 'second'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);

    const pods = await kubectl(['--context', name, 'get', 'pods']);
    expect(pods.code, pods.stderr).toBe(0);
    expect(pods.stderr.trim()).toBe('No resources found in default namespace.');
  }, 60_000);

  it('sets current-context only when none is set; down --purge removes the entry again', async () => {
    const name = `mini-kube-${readState(home)!.clusterId}`;
    const doc = YAML.parse(fs.readFileSync(kubeconfig, 'utf8'));
    delete doc['current-context'];
    fs.writeFileSync(kubeconfig, YAML.stringify(doc));
    const up = await mk(['up', '-d']);
    expect(up.stdout).toContain(`kubeconfig: context "${name}" written to ${kubeconfig} and made the current context`);
    expect(YAML.parse(fs.readFileSync(kubeconfig, 'utf8'))['current-context']).toBe(name);
    const version = await kubectl(['version', '-o', 'json']);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion, version.stderr).toMatch(/mini-kube/);

    const down = await mk(['down', '--purge']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`kubeconfig: context "${name}" removed from ${kubeconfig}`);
    const after = YAML.parse(fs.readFileSync(kubeconfig, 'utf8'));
    expect(contexts()).toEqual(['work']);
    expect(after.clusters.map((c: { name: string }) => c.name)).toEqual(['work']);
    expect(after.users.map((c: { name: string }) => c.name)).toEqual(['work']);
    expect(after['current-context']).toBe('');
  }, 90_000);
});
