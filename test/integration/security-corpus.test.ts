// Every manifest of test/fixtures/bad, through the real CLI against a running control plane: refused with
// the file named, nothing created (no object, no container), and the control plane still up afterwards.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../../src/client/connect.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { readState, type ControlPlaneState } from '../../src/control-plane/home.js';
import { LABEL_CLUSTER } from '../../src/runtime/runtime.js';
import { ROOT, cliIn } from './harness.js';

const mk = (home: string, args: string[]) => cliIn(home, args);

const BAD = path.join(ROOT, 'test/fixtures/bad');

describe('security: the bad corpus through the CLI', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-corpus-'));
  let state: ControlPlaneState;
  let client: ApiClient;

  beforeAll(async () => {
    const up = await mk(home, ['up', '-d', '--no-kubeconfig']);
    expect(up.code, up.stderr).toBe(0);
    state = readState(home)!;
    client = clientFor(home, state);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await mk(home, ['down']);
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL_CLUSTER}=${state?.clusterId}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
    fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('refuses every manifest of the bad corpus through the CLI, creates nothing and stays up', async () => {
    const files = fs.readdirSync(BAD).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    const results: [string, { code: number; stderr: string }][] = [];
    // several at a time: 60 CLI processes one by one would take most of the time budget
    for (let i = 0; i < files.length; i += 8) {
      const batch = files.slice(i, i + 8);
      const out = await Promise.all(batch.map((f) => mk(home, ['apply', '-f', path.join(BAD, f)])));
      batch.forEach((f, j) => results.push([f, out[j]!]));
    }
    for (const [f, r] of results) {
      expect(r.code, `${f} was accepted`).not.toBe(0);
      expect(r.stderr, `${f}: ${r.stderr}`).toContain(f);
    }
    for (const kind of ['Deployment', 'Pod', 'Service', 'ReplicaSet'] as const) {
      // only what every cluster has: the `kubernetes` Service
      const items = (await client.list(kind, { namespace: 'default' })).items.filter((o) => !(kind === 'Service' && o.metadata.name === 'kubernetes'));
      expect(items, kind).toEqual([]);
    }
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL_CLUSTER}=${state.clusterId}`, '--filter', 'label=io.mini-kube.pod-uid'], { encoding: 'utf8' }).trim()).toBe('');
    process.kill(state.pid, 0); // still there
    await client.request('GET', '/healthz');
  }, 88_000);

});
