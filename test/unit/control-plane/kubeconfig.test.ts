// The kubeconfig merge on its own: names, which file, upsert/remove keeping other entries, current-context.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contextName, defaultKubeconfigPath, kubeconfigFor, mergeKubeconfig, readKubeconfig, removeFromKubeconfig, type KubeconfigEntry,
} from '../../../src/control-plane/kubeconfig.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-kc-unit-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const entry = (name: string, server = 'https://127.0.0.1:1234'): KubeconfigEntry => ({ name, server, caPem: 'PEM', token: 't0k' });

describe('kubeconfig', () => {
  it('names the default home mini-kube and any other home after its cluster id', () => {
    expect(contextName(path.join(os.homedir(), '.mini-kube'))).toBe('mini-kube');
    const other = path.join(dir, 'home');
    const name = contextName(other);
    expect(name).toMatch(/^mini-kube-[0-9a-f]{12}$/);
    expect(contextName(other)).toBe(name);
  });

  it('merges into the first $KUBECONFIG path, else ~/.kube/config', () => {
    expect(defaultKubeconfigPath({ KUBECONFIG: `${path.delimiter}/a/one${path.delimiter}/b/two` })).toBe('/a/one');
    expect(defaultKubeconfigPath({})).toBe(path.join(os.homedir(), '.kube', 'config'));
  });

  it('prints a complete kubeconfig with base64 CA data and the token', () => {
    const doc = kubeconfigFor(entry('mini-kube'));
    expect(doc).toMatchObject({
      'current-context': 'mini-kube',
      clusters: [{ name: 'mini-kube', cluster: { server: 'https://127.0.0.1:1234', 'certificate-authority-data': Buffer.from('PEM').toString('base64') } }],
      users: [{ name: 'mini-kube', user: { token: 't0k' } }],
      contexts: [{ name: 'mini-kube', context: { cluster: 'mini-kube', user: 'mini-kube', namespace: 'default' } }],
    });
  });

  it('creates the file (0600) and sets the current context when there is none; replaces its own entry later', () => {
    const file = path.join(dir, 'sub', 'config');
    expect(mergeKubeconfig(file, entry('mini-kube'))).toMatchObject({ setCurrent: true });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(mergeKubeconfig(file, entry('mini-kube', 'https://127.0.0.1:9'))).toMatchObject({ setCurrent: false, current: 'mini-kube' });
    const doc = readKubeconfig(file);
    expect(doc.clusters).toHaveLength(1);
    expect((doc.clusters![0] as { cluster: { server: string } }).cluster.server).toBe('https://127.0.0.1:9');
  });

  it('keeps other entries, fields and the current context; remove takes out only its own', () => {
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, 'clusters: [{name: w, cluster: {server: "https://w"}}]\nusers: [{name: w, user: {token: x}}]\ncontexts: [{name: w, context: {cluster: w, user: w}}]\ncurrent-context: w\npreferences: {colors: true}\n');
    mergeKubeconfig(file, entry('mini-kube-abc'));
    let doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    expect(doc['current-context']).toBe('w');
    expect(doc.contexts.map((c: { name: string }) => c.name)).toEqual(['w', 'mini-kube-abc']);
    expect(doc.preferences).toEqual({ colors: true });
    expect(removeFromKubeconfig(file, 'mini-kube-abc')).toBe(true);
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.contexts.map((c: { name: string }) => c.name)).toEqual(['w']);
    expect(doc['current-context']).toBe('w');
    expect(removeFromKubeconfig(file, 'mini-kube-abc')).toBe(false);
    expect(removeFromKubeconfig(path.join(dir, 'missing'), 'mini-kube')).toBe(false);
  });

  it('refuses to rewrite a file that is not a kubeconfig', () => {
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, '- just\n- a list\n');
    expect(() => mergeKubeconfig(file, entry('mini-kube'))).toThrow(/not a kubeconfig/);
    expect(fs.readFileSync(file, 'utf8')).toBe('- just\n- a list\n');
  });
});
