// The atomic writer (the kubelet's AtomicWriter): ..data switched by one rename, names as symlinks through
// it, modes as asked, stale names and the old generation removed, nothing written when nothing changed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSafePayloadPath, withFsGroup, writeAtomic, type FileProjection } from '../../../src/kubelet/volume-files.js';

const files = (entries: Record<string, [string, number]>): Map<string, FileProjection> =>
  new Map(Object.entries(entries).map(([k, [data, mode]]) => [k, { data: Buffer.from(data), mode }]));

describe('writeAtomic', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-atomic-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a timestamped generation, ..data and one symlink per top-level name', () => {
    expect(writeAtomic(dir, files({ color: ['blue', 0o644], 'nested/deep': ['x', 0o400] }), new Date('2026-12-05T04:30:07Z'))).toBe(true);
    const gen = fs.readlinkSync(path.join(dir, '..data'));
    expect(gen).toMatch(/^\.\.2026_12_05_04_30_07\.\w+$/);
    expect(fs.readlinkSync(path.join(dir, 'color'))).toBe('..data/color');
    expect(fs.readlinkSync(path.join(dir, 'nested'))).toBe('..data/nested');
    expect(fs.readFileSync(path.join(dir, 'nested/deep'), 'utf8')).toBe('x');
    expect(fs.statSync(path.join(dir, 'nested/deep')).mode & 0o777).toBe(0o400);
    expect(fs.statSync(path.join(dir, 'color')).mode & 0o777).toBe(0o644);
  });

  it('an unchanged payload writes nothing; a changed one switches ..data and removes the old generation and stale names', () => {
    writeAtomic(dir, files({ color: ['blue', 0o644], size: ['L', 0o644] }));
    const first = fs.readlinkSync(path.join(dir, '..data'));
    expect(writeAtomic(dir, files({ color: ['blue', 0o644], size: ['L', 0o644] }))).toBe(false);
    expect(fs.readlinkSync(path.join(dir, '..data'))).toBe(first);
    // a mode change alone is a change
    expect(writeAtomic(dir, files({ color: ['blue', 0o600], size: ['L', 0o644] }))).toBe(true);
    expect(writeAtomic(dir, files({ color: ['green', 0o644] }))).toBe(true);
    const last = fs.readlinkSync(path.join(dir, '..data'));
    expect(last).not.toBe(first);
    expect(fs.readdirSync(dir).sort()).toEqual(['..data', last, 'color'].sort());
    expect(fs.readFileSync(path.join(dir, 'color'), 'utf8')).toBe('green');
  });

  it('an empty payload (an optional object that is missing) is an empty directory with ..data', () => {
    expect(writeAtomic(dir, new Map())).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => !n.startsWith('..'))).toEqual([]);
    expect(writeAtomic(dir, new Map())).toBe(false);
  });

  it.each([['a', true], ['a/b', true], ['/abs', false], ['../up', false], ['a/../b', false], ['..hidden', false], ['a//b', false]])(
    'isSafePayloadPath(%j) is %s', (p, ok) => {
      expect(isSafePayloadPath(p)).toBe(ok);
    });

  it('refuses an unsafe path before writing anything', () => {
    expect(() => writeAtomic(dir, files({ '../escape': ['x', 0o644] }))).toThrow('invalid file path "../escape"');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('with a pod fsGroup, gives every file that group and owner+group read (SetVolumeOwnership), once', () => {
    const owned = withFsGroup(files({ key: ['s3cret', 0o400] }), 2000);
    expect(owned.payload.get('key')!.mode).toBe(0o440);
    expect(writeAtomic(dir, owned.payload, undefined, owned.gid)).toBe(true);
    const st = fs.statSync(path.join(dir, 'key'));
    // as root (CI) the group is the fsGroup; a user who may not give it gets a file readable by all instead
    if (process.getuid?.() === 0) {
      expect(st.gid).toBe(2000);
      expect(st.mode & 0o777).toBe(0o440);
    } else {
      expect(st.mode & 0o444).toBe(0o444);
    }
    expect(writeAtomic(dir, owned.payload, undefined, owned.gid)).toBe(false);
    expect(withFsGroup(files({ key: ['x', 0o400] }), undefined).payload.get('key')!.mode).toBe(0o400);
  });
});
