import { describe, expect, it } from 'vitest';
import { findSampleAppDir, parseLdd, splitTag } from '../../../src/runtime/sample-image.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

describe('parseLdd', () => {
  it('lists library paths and the loader, not the vdso', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f80e4380000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f80e3e1e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f80e4398000)',
    ].join('\n');
    expect(parseLdd(out)).toEqual(['/lib/x86_64-linux-gnu/libdl.so.2', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
    expect(parseLdd('\tnot a dynamic executable')).toEqual([]);
  });
});

describe('splitTag', () => {
  it('splits repository and tag, minding registry ports', () => {
    expect(splitTag('ondalk8s/healthcheck:v1')).toEqual(['ondalk8s/healthcheck', 'v1']);
    expect(splitTag('localhost:5000/app')).toEqual(['localhost:5000/app', 'latest']);
    expect(splitTag('localhost:5000/app:2')).toEqual(['localhost:5000/app', '2']);
  });
});

describe('findSampleAppDir', () => {
  it('finds the tutorial app at the package root', () => {
    const dir = findSampleAppDir();
    expect(existsSync(path.join(dir, 'app.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(true);
  });
});
