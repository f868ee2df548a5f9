// A minimal streaming ustar writer, enough for image build contexts: regular files (from memory or from disk),
// directories and symlinks. Written here rather than importing tar-stream, which is only a transitive
// dependency of dockerode and not ours to rely on.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export type TarEntry =
  | { type: 'file'; name: string; mode?: number; content: Buffer }
  | { type: 'file'; name: string; mode?: number; sourcePath: string; size: number }
  | { type: 'directory'; name: string; mode?: number }
  | { type: 'symlink'; name: string; target: string };

const BLOCK = 512;

/** The 512-byte ustar header of one entry; exported for unit tests. */
export function tarHeader(entry: TarEntry): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  let name = entry.name.replace(/^\/+/, '');
  if (entry.type === 'directory' && !name.endsWith('/')) name += '/';
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar splits long paths at a '/' into prefix (155 bytes) and name (100 bytes)
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(name) > 100) {
      throw new Error(`tar: path too long for ustar: ${entry.name}`);
    }
  }
  const size = entry.type === 'file' ? ('content' in entry ? entry.content.length : entry.size) : 0;
  const mode = entry.type === 'symlink' ? 0o777 : (entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644));
  const typeflag = entry.type === 'file' ? '0' : entry.type === 'directory' ? '5' : '2';
  const linkname = entry.type === 'symlink' ? entry.target : '';
  if (Buffer.byteLength(linkname) > 100) throw new Error(`tar: symlink target too long: ${linkname}`);

  header.write(name, 0, 100, 'utf8');
  writeOctal(header, mode, 100, 8);
  writeOctal(header, 0, 108, 8); // uid root
  writeOctal(header, 0, 116, 8); // gid root
  writeOctal(header, size, 124, 12);
  writeOctal(header, 0, 136, 12); // mtime 0 keeps builds reproducible
  header.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  header.write(typeflag, 156, 1, 'ascii');
  header.write(linkname, 157, 100, 'utf8');
  header.write('ustar\u0000', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('root', 265, 32, 'ascii');
  header.write('root', 297, 32, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'ascii');
  return header;
}

function writeOctal(buf: Buffer, value: number, offset: number, length: number): void {
  const text = value.toString(8).padStart(length - 1, '0');
  if (text.length > length - 1) throw new Error(`tar: value ${value} does not fit in ${length - 1} octal digits`);
  buf.write(text + '\u0000', offset, length, 'ascii');
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

async function* tarChunks(entries: Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield tarHeader(entry);
    if (entry.type !== 'file') continue;
    if ('content' in entry) {
      yield entry.content;
      yield padding(entry.content.length);
      continue;
    }
    // Stream big files (node is ~100 MB) instead of holding them; the header promised exactly `size` bytes.
    let written = 0;
    for await (const chunk of createReadStream(entry.sourcePath)) {
      const buf = chunk as Buffer;
      const take = Math.min(buf.length, entry.size - written);
      if (take > 0) yield buf.subarray(0, take);
      written += take;
    }
    if (written < entry.size) throw new Error(`tar: ${entry.sourcePath} shrank while being archived`);
    yield padding(entry.size);
  }
  yield Buffer.alloc(BLOCK * 2, 0); // end-of-archive marker
}

/** A tar archive of `entries` as a stream, read lazily. */
export function tarStream(entries: Iterable<TarEntry>): Readable {
  return Readable.from(tarChunks(entries), { objectMode: false });
}
