import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tarHeader, tarStream } from '../../../src/runtime/tar-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mk-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('tarHeader', () => {
  it('writes a valid checksum and ustar magic', () => {
    const h = tarHeader({ type: 'file', name: '/app.js', content: Buffer.from('x') });
    expect(h.length).toBe(512);
    expect(h.subarray(0, 6).toString()).toBe('app.js');
    expect(h.subarray(257, 262).toString()).toBe('ustar');
    const stored = Number.parseInt(h.subarray(148, 154).toString(), 8);
    const copy = Buffer.from(h);
    copy.fill(' ', 148, 156);
    expect(stored).toBe(copy.reduce((a, b) => a + b, 0));
  });

  it('splits long paths into prefix and name', () => {
    const long = `${'d'.repeat(80)}/${'e'.repeat(60)}/file.txt`;
    const h = tarHeader({ type: 'file', name: long, content: Buffer.alloc(0) });
    expect(h.subarray(0, 8).toString()).toBe('file.txt');
    expect(h.subarray(345, 345 + 141).toString()).toBe(`${'d'.repeat(80)}/${'e'.repeat(60)}`);
  });
});

describe('tarStream', () => {
  it('produces an archive that tar(1) reads back', async () => {
    const src = path.join(dir, 'big.bin');
    writeFileSync(src, Buffer.alloc(70_000, 7));
    const archive = await collect(
      tarStream([
        { type: 'directory', name: '/tmp', mode: 0o1777 },
        { type: 'file', name: '/tmp/healthcheck', content: Buffer.alloc(0) },
        { type: 'file', name: '/app.js', content: Buffer.from('console.log(1)\n') },
        { type: 'directory', name: '/bin' },
        { type: 'file', name: '/bin/busybox', sourcePath: src, size: 70_000, mode: 0o755 },
        { type: 'symlink', name: '/bin/sh', target: 'busybox' },
      ]),
    );
    expect(archive.length % 512).toBe(0);
    const file = path.join(dir, 'out.tar');
    writeFileSync(file, archive);
    const listing = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
    expect(listing).toMatch(/^drwxrwxrwt .* tmp\/$/m);
    expect(listing).toMatch(/^-rwxr-xr-x .* 70000 .* bin\/busybox$/m);
    expect(listing).toMatch(/bin\/sh -> busybox$/m);
    const out = path.join(dir, 'x');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xf', file, '-C', out]);
    expect(readFileSync(path.join(out, 'app.js'), 'utf8')).toBe('console.log(1)\n');
    expect(readFileSync(path.join(out, 'bin/busybox')).length).toBe(70_000);
  });
});
