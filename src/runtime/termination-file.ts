// The file behind a container's terminationMessagePath, and reading a file back from a stopped container.
//
// Docker gives every container a fresh tmpfs /dev, gone when it stops: a message written to the default
// /dev/termination-log would be lost before anyone reads it. So, as the kubelet does (it bind-mounts a file
// of its pod directory there), the runtime creates an empty file of its own (mode 0666: any container user
// may write it) and bind-mounts it at the path. Only where the engine shares this machine's files (a local
// socket); elsewhere a path outside /dev still works (the container's own layer), /dev does not
// (docs/decisions/125). Reading goes through the engine's archive API (getArchive), which sees the bind
// and the container's layer alike, on a stopped container too.
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** this user's directory of termination files, one sub-directory per pod uid */
export function terminationFilesDir(): string {
  return path.join(os.tmpdir(), `mini-kube-termination-${process.getuid?.() ?? 'user'}`);
}

/** A safe single path component (pod uids and Docker container names are, but never trust a label). */
function component(value: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value) || value === '.' || value === '..') throw new Error(`not a usable file name: ${JSON.stringify(value)}`);
  return value;
}

/** Creates the empty, world-writable file a container's termination message goes to; returns its path. */
export async function createTerminationFile(dir: string, podUid: string, containerName: string): Promise<string> {
  const podDir = path.join(dir, component(podUid));
  await mkdir(podDir, { recursive: true, mode: 0o700 });
  // The engine's container name holds the pod's name (up to 253 characters): a file name has 255 bytes at
  // most, so a name that long is replaced by its hash (the directory already names the pod).
  const file = path.join(podDir, containerName.length <= 120 ? component(containerName) : createHash('sha256').update(containerName).digest('hex'));
  await writeFile(file, '');
  // after the umask: the container's user (any uid) writes through the bind mount
  await chmod(file, 0o666);
  return file;
}

export async function removeTerminationFiles(dir: string, podUid: string): Promise<void> {
  await rm(path.join(dir, component(podUid)), { recursive: true, force: true });
}

/**
 * The last `maxBytes` bytes of the first file in a tar stream (what getArchive answers for a file path),
 * as the kubelet's tail.ReadAtMost. Undefined when the archive holds no regular file.
 */
export async function lastBytesOfTarFile(stream: Readable | NodeJS.ReadableStream, maxBytes: number): Promise<Buffer | undefined> {
  let header: Buffer | undefined;
  let pending = Buffer.alloc(0);
  let size = 0;
  let seen = 0;
  let tail = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let data = Buffer.from(chunk);
    if (!header) {
      pending = Buffer.concat([pending, data]);
      if (pending.length < 512) continue;
      header = pending.subarray(0, 512);
      const type = String.fromCharCode(header[156] ?? 48);
      if (type !== '0' && type !== '\0') return undefined;
      size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
      data = pending.subarray(512);
    }
    const take = data.subarray(0, Math.max(0, size - seen));
    seen += take.length;
    tail = Buffer.concat([tail, take]);
    if (tail.length > maxBytes) tail = tail.subarray(tail.length - maxBytes);
    if (seen >= size) break;
  }
  return header ? tail : undefined;
}
