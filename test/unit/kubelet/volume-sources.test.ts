// What the files of configMap, secret, downwardAPI and projected volumes are (the plugins' MakePayload),
// what a missing object or key says, and the projected serviceAccountToken with a fake issuer: asked with
// the pod's binding, renewed at 80% of its lifetime, a FailedMount message without an issuer.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret } from '../../../src/kube/types.js';
import type { ServiceAccountTokenRequest, ServiceAccountTokenSource } from '../../../src/kube/service-account-token.js';
import { configMapPayload, downwardAPIPayload, secretPayload, type Payload } from '../../../src/kubelet/volume-sources.js';
import { projectedPayload, renewAt } from '../../../src/kubelet/volume-projected.js';
import { fileVolumeDir, PodVolumeManager, volumesRefer } from '../../../src/kubelet/volume-manager.js';

const cm = { data: { color: 'blue', size: 'L' }, binaryData: { bin: Buffer.from([0, 1]).toString('base64') } } as ConfigMap;
const secret = { data: { password: Buffer.from('s3cr3t').toString('base64') } } as Secret;
const pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { b: 'two', a: 'one "q"' }, annotations: { note: 'hi' } },
  spec: { serviceAccountName: 'robot', containers: [{ name: 'main', resources: { limits: { memory: '64Mi', cpu: '250m' } } }] },
} as unknown as Pod;

const text = (p: Payload): Record<string, string> | string => (p.ok
  ? Object.fromEntries([...p.files].map(([k, f]) => [k, `${f.data.toString('utf8')}:${f.mode.toString(8)}`]))
  : p.message);

describe('configMap and secret payloads', () => {
  it.each([
    ['every key (data and binaryData), defaultMode', configMapPayload({ name: 'cm' }, cm, 0o644), { color: 'blue:644', size: 'L:644', bin: '\u0000\u0001:644' }],
    ['items rename and set a mode', configMapPayload({ name: 'cm', items: [{ key: 'color', path: 'a/colour', mode: 0o400 }] }, cm, 0o600), { 'a/colour': 'blue:400' }],
    ['a missing ConfigMap', configMapPayload({ name: 'cm' }, undefined, 0o644), 'configmap "cm" not found'],
    ['a missing optional ConfigMap: an empty volume', configMapPayload({ name: 'cm', optional: true }, undefined, 0o644), {}],
    ['a missing item key', configMapPayload({ name: 'cm', items: [{ key: 'nope', path: 'x' }] }, cm, 0o644), 'configmap references non-existent config key: nope'],
    ['a missing item key, optional', configMapPayload({ name: 'cm', optional: true, items: [{ key: 'nope', path: 'x' }] }, cm, 0o644), {}],
    ['a secret is decoded', secretPayload('s', {}, secret, 0o440), { password: 's3cr3t:440' }],
    ['a missing Secret', secretPayload('s', {}, undefined, 0o644), 'secret "s" not found'],
    ['a missing secret key', secretPayload('s', { items: [{ key: 'k', path: 'k' }] }, secret, 0o644), 'references non-existent secret key: k'],
  ])('%s', (_what, payload, want) => {
    expect(text(payload)).toEqual(want);
  });
});

describe('downwardAPI payloads', () => {
  it('labels and annotations as sorted key="value" lines, single keys, names and resources', () => {
    expect(text(downwardAPIPayload(pod, [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      { path: 'b', fieldRef: { fieldPath: "metadata.labels['b']" } },
      { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' }, mode: 0o400 },
      { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
      { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu', divisor: '1m' } },
    ], 0o644))).toEqual({
      labels: 'a="one \\"q\\""\nb="two":644', annotations: 'note="hi":644', b: 'two:644', ns: 'ns:400', mem: '64:644', cpu: '250:644',
    });
  });
});

function fakeIssuer(lifetimeMs: number, now: () => number): ServiceAccountTokenSource & { asked: ServiceAccountTokenRequest[] } {
  const asked: ServiceAccountTokenRequest[] = [];
  return {
    asked,
    requestToken: async (req) => {
      asked.push(req);
      return { token: `token-${asked.length}`, expirationTimestamp: new Date(now() + lifetimeMs).toISOString() };
    },
  };
}

describe('projected payloads', () => {
  const deps = (tokens: ServiceAccountTokenSource | undefined, now: () => number) => ({
    configMap: (_ns: string, name: string) => (name === 'cm' ? cm : undefined),
    secret: (_ns: string, name: string) => (name === 's' ? secret : undefined),
    tokens, tokenCache: new Map(), now,
  });
  const source = {
    defaultMode: 0o640,
    sources: [
      { configMap: { name: 'cm', items: [{ key: 'color', path: 'color' }] } },
      { configMap: { name: 'absent', optional: true } },
      { secret: { name: 's', items: [{ key: 'password', path: 'sec/pw', mode: 0o400 }] } },
      { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
      { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 3600 } },
    ],
  };

  it('merges its sources; the token is asked for the pod, bound to it, and renewed at 80% of its lifetime', async () => {
    let now = Date.parse('2026-12-05T00:00:00Z');
    const issuer = fakeIssuer(3600_000, () => now);
    const d = deps(issuer, () => now);
    const first = await projectedPayload(pod, 'all', source, d);
    expect(text(first)).toEqual({ color: 'blue:640', 'sec/pw': 's3cr3t:400', name: 'p:640', token: 'token-1:640' });
    expect(issuer.asked).toEqual([{ namespace: 'ns', serviceAccountName: 'robot', audiences: ['vault'], expirationSeconds: 3600, podName: 'p', podUid: 'u1' }]);
    expect(first.renewAt).toBe(now + 2880_000);
    now += 2879_000;
    expect(text(await projectedPayload(pod, 'all', source, d))).toMatchObject({ token: 'token-1:640' });
    now += 1000;
    expect(text(await projectedPayload(pod, 'all', source, d))).toMatchObject({ token: 'token-2:640' });
    expect(issuer.asked).toHaveLength(2);
  });

  it('fails the mount without an issuer, or when the issuer refuses, and on a missing required source', async () => {
    expect(text(await projectedPayload(pod, 'all', source, deps(undefined, Date.now))))
      .toBe('failed to fetch token: this cluster has no service account token issuer');
    const refusing = { requestToken: async () => { throw new Error('serviceaccounts "robot" not found'); } };
    expect(text(await projectedPayload(pod, 'all', source, deps(refusing, Date.now)))).toBe('failed to fetch token: serviceaccounts "robot" not found');
    expect(text(await projectedPayload(pod, 'all', { sources: [{ secret: { name: 'gone' } }] }, deps(undefined, Date.now)))).toBe('secret "gone" not found');
  });

  it('renewAt is 80% of the lifetime, at most 24 hours', () => {
    expect(renewAt(0, 1000_000)).toBe(800_000);
    expect(renewAt(0, 48 * 3600_000)).toBe(24 * 3600_000);
  });
});

describe('PodVolumeManager', () => {
  let podsDir: string;
  beforeEach(() => { podsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-pods-')); });
  afterEach(() => fs.rmSync(podsDir, { recursive: true, force: true }));

  it('writes each file volume under the pod directory (0700), reports the first failure and when to renew a token', async () => {
    let now = 1_000_000;
    const config = { configMap: (_ns: string, name: string) => (name === 'cm' ? cm : undefined), secret: () => undefined };
    const m = new PodVolumeManager({ podsDir, config, tokens: fakeIssuer(1000_000, () => now), now: () => now });
    const withVolumes = (volumes: unknown[]) => ({ ...pod, spec: { ...pod.spec, volumes } }) as Pod;
    const ok = withVolumes([
      { name: 'cfg', configMap: { name: 'cm' } },
      { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } },
      { name: 'scratch', emptyDir: {} },
    ]);
    expect(await m.setUp(ok)).toEqual({ ok: true, renewInMs: 800_000 });
    expect(fs.statSync(path.join(podsDir, 'u1')).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(fileVolumeDir(podsDir, 'u1', ok.spec!.volumes![0]!), 'color'), 'utf8')).toBe('blue');
    expect(fileVolumeDir(podsDir, 'u1', ok.spec!.volumes![1]!)).toBe(path.join(podsDir, 'u1/volumes/kubernetes.io~projected/tok'));
    now += 100_000;
    expect(await m.setUp(ok)).toEqual({ ok: true, renewInMs: 700_000 });
    expect(await m.setUp(withVolumes([{ name: 'cfg', configMap: { name: 'gone' } }])))
      .toEqual({ ok: false, volume: 'cfg', message: 'configmap "gone" not found' });
    expect(m.podUids()).toEqual(['u1']);
    m.cleanup('u1');
    expect(m.podUids()).toEqual([]);
  });

  it('volumesRefer: the ConfigMaps and Secrets a pod\'s volumes read (a live update syncs those pods)', () => {
    const p = { spec: { volumes: [{ name: 'a', configMap: { name: 'cm' } }, { name: 'b', projected: { sources: [{ secret: { name: 's' } }] } }] } } as unknown as Pod;
    expect([volumesRefer(p, 'ConfigMap', 'cm'), volumesRefer(p, 'Secret', 's'), volumesRefer(p, 'Secret', 'cm'), volumesRefer(p, 'ConfigMap', 'x')])
      .toEqual([true, true, false, false]);
  });
});
