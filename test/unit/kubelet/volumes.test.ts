// A container's mounts (makeMounts): emptyDir as the pod's engine volume, file volumes as read-only binds
// of their directory, subPath resolved through ..data (so it is not updated), subPathExpr expanded from
// the container's env, and the tmpfs size of a memory emptyDir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../../src/kube/types.js';
import { writeAtomic } from '../../../src/kubelet/volume-files.js';
import { fileVolumeDir } from '../../../src/kubelet/volume-manager.js';
import { mountsOf, sandboxMounts, tmpfsSizeBytes } from '../../../src/kubelet/volumes.js';
import { isPodFileBind } from '../../../src/runtime/create-options.js';
import { emptyDirOverLimit } from '../../../src/kubelet/volume-usage.js';
import type { Runtime } from '../../../src/runtime/runtime.js';

const volumes = [
  { name: 'scratch', emptyDir: {} },
  { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
  { name: 'cfg', configMap: { name: 'cm' } },
  { name: 'limited', emptyDir: { sizeLimit: '1Mi' } },
];
const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { volumes, containers: [] } } as unknown as Pod;

describe('mountsOf', () => {
  let podsDir: string;
  let cfgDir: string;
  beforeEach(() => {
    podsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-mounts-'));
    cfgDir = fileVolumeDir(podsDir, 'u1', volumes[2]!);
    writeAtomic(cfgDir, new Map([['color', { data: Buffer.from('blue'), mode: 0o644 }]]));
  });
  afterEach(() => fs.rmSync(podsDir, { recursive: true, force: true }));
  const mounts = (volumeMounts: Container['volumeMounts'], env: { name: string; value: string }[] = []) =>
    mountsOf(pod, { name: 'c', volumeMounts } as Container, podsDir, env);

  it('emptyDir is the engine volume; a file volume a read-only bind of its directory, whatever readOnly says', () => {
    expect(mounts([{ name: 'scratch', mountPath: '/s', readOnly: true }, { name: 'cfg', mountPath: '/etc/cfg', readOnly: false }])).toEqual({
      ok: true,
      mounts: [
        { volume: 'k8s_scratch_p_default_u1', target: '/s', readOnly: true },
        { bind: cfgDir, target: '/etc/cfg', readOnly: true },
      ],
    });
  });

  it('a subPath binds the file ..data names now; subPathExpr expands the env; a missing one becomes a directory', () => {
    const r = mounts([
      { name: 'cfg', mountPath: '/color', subPath: 'color' },
      { name: 'cfg', mountPath: '/x', subPathExpr: '$(WHERE)/x' },
    ], [{ name: 'WHERE', value: 'dir' }]);
    if (!r.ok) throw new Error(r.message);
    const gen = fs.readlinkSync(path.join(cfgDir, '..data'));
    expect(r.mounts[0]).toEqual({ bind: path.join(cfgDir, gen, 'color'), target: '/color', readOnly: true });
    expect(r.mounts[1]).toEqual({ bind: path.join(cfgDir, 'dir/x'), target: '/x', readOnly: true });
    expect(fs.statSync(path.join(cfgDir, 'dir/x')).isDirectory()).toBe(true);
    expect(isPodFileBind({ Type: 'bind', Source: r.mounts[0]!.bind!, Target: '/color', ReadOnly: true }, podsDir)).toBe(true);
  });

  it.each([
    [{ name: 'cfg', mountPath: '/a', subPathExpr: '$(ABS)' }, 'error SubPath `/etc` must not be an absolute path'],
    [{ name: 'cfg', mountPath: '/a', subPathExpr: '$(UP)/x' }, "unable to provision SubPath `../x`: must not contain '..'"],
    [{ name: 'scratch', mountPath: '/a', subPathExpr: 'x' }, 'failed to prepare subPath for volumeMount "scratch" of container "c": mini-kube does not mount a sub-path of an emptyDir'],
  ])('refuses %j', (m, message) => {
    expect(mounts([m], [{ name: 'ABS', value: '/etc' }, { name: 'UP', value: '..' }])).toEqual({ ok: false, message });
  });

  it('a symlink in a file volume that leads outside is refused', () => {
    fs.symlinkSync('/etc', path.join(cfgDir, 'out'));
    expect(mounts([{ name: 'cfg', mountPath: '/o', subPath: 'out' }])).toEqual({
      ok: false, message: 'failed to prepare subPath for volumeMount "cfg" of container "c": the path is outside the volume',
    });
  });
});

describe('memory emptyDir', () => {
  it('the sandbox holds it mounted; its size is the smaller of sizeLimit and the pod memory limit', () => {
    expect(sandboxMounts(pod)).toEqual([
      { volume: 'k8s_mem_p_default_u1', target: '/.mini-kube-volumes/mem', readOnly: false },
      // a disk emptyDir with a sizeLimit too: the eviction check measures it there
      { volume: 'k8s_limited_p_default_u1', target: '/.mini-kube-volumes/limited', readOnly: false },
    ]);
    const limited = { spec: { containers: [{ resources: { limits: { memory: '512Ki' } } }, { resources: { limits: { memory: '256Ki' } } }] } } as unknown as Pod;
    expect(tmpfsSizeBytes(limited, { name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } })).toBe(768 * 1024);
    expect(tmpfsSizeBytes(limited, { name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '512Ki' } })).toBe(512 * 1024);
    expect(tmpfsSizeBytes({ spec: { containers: [{}] } } as Pod, { name: 'm', emptyDir: { medium: 'Memory' } })).toBe(os.totalmem());
  });
});

describe('isPodFileBind (the create body\'s security check)', () => {
  it.each([
    [{ Type: 'bind', Source: '/h/pods/u1/volumes/x', Target: '/x', ReadOnly: true }, true],
    [{ Type: 'bind', Source: '/h/pods/u1/volumes/x', Target: '/x', ReadOnly: false }, false],
    [{ Type: 'bind', Source: '/h/pods/../store', Target: '/x', ReadOnly: true }, false],
    [{ Type: 'bind', Source: '/h/pods', Target: '/x', ReadOnly: true }, false],
    [{ Type: 'bind', Source: '/h/podsX/a', Target: '/x', ReadOnly: true }, false],
    [{ Type: 'volume', Source: '/h/pods/a', Target: '/x', ReadOnly: true }, false],
  ] as const)('%j: %s', (m, ok) => {
    expect(isPodFileBind({ ...m }, '/h/pods')).toBe(ok);
    expect(isPodFileBind({ ...m }, undefined)).toBe(false);
  });
});

describe('emptyDirOverLimit (the eviction manager\'s emptyDir check)', () => {
  const runtime = (kib: Record<string, number>, calls: string[][] = []) => ({
    exec: async (id: string, cmd: string[]) => {
      calls.push([id, ...cmd]);
      const k = kib[cmd.at(-1)!];
      return k === undefined ? { exitCode: 1, output: Buffer.from('du: no such file'), timedOut: false } : { exitCode: 0, output: Buffer.from(`${k}\t${cmd.at(-1)}\n`), timedOut: false };
    },
  }) as unknown as Runtime;

  it('measures each disk emptyDir with a sizeLimit in the sandbox; over the limit is the kubelet\'s message', async () => {
    const calls: string[][] = [];
    expect(await emptyDirOverLimit(runtime({ '/.mini-kube-volumes/limited': 1024 }, calls), 'sb', pod)).toBeUndefined();
    expect(calls).toEqual([['sb', '/bin/busybox', 'du', '-s', '-k', '/.mini-kube-volumes/limited']]);
    expect(await emptyDirOverLimit(runtime({ '/.mini-kube-volumes/limited': 1025 }), 'sb', pod)).toBe('Usage of EmptyDir volume "limited" exceeds the limit "1Mi".');
    // not measurable (the sandbox is going away): no eviction
    expect(await emptyDirOverLimit(runtime({}), 'sb', pod)).toBeUndefined();
  });
});
