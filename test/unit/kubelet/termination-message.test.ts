// The termination message rule (getTerminationMessage / readLastStringFromContainerLogs) as a table, and
// the tar tail the runtime reads it with.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  lastLogBytes, terminationLabels, terminationMessageSource, MAX_TERMINATION_LOG_BYTES,
} from '../../../src/kubelet/termination-message.js';
import { lastBytesOfTarFile } from '../../../src/runtime/termination-file.js';
import { tarStream } from '../../../src/runtime/tar-writer.js';

describe('terminationMessageSource', () => {
  const rows: { name: string; policy: string; exit: number; file: string | undefined; neverStarted?: boolean; source: string }[] = [
    { name: 'File: the file, whatever the exit code', policy: 'File', exit: 0, file: 'done', source: 'file' },
    { name: 'File: an empty file is no message, even on failure', policy: 'File', exit: 1, file: '', source: 'none' },
    { name: 'File: no file, no message', policy: 'File', exit: 1, file: undefined, source: 'none' },
    { name: 'Fallback: the file when it says something', policy: 'FallbackToLogsOnError', exit: 1, file: 'why', source: 'file' },
    { name: 'Fallback: an empty file and a failure: the log', policy: 'FallbackToLogsOnError', exit: 2, file: '', source: 'logs' },
    { name: 'Fallback: no file and a failure: the log', policy: 'FallbackToLogsOnError', exit: 137, file: undefined, source: 'logs' },
    { name: 'Fallback: success never reads the log', policy: 'FallbackToLogsOnError', exit: 0, file: '', source: 'none' },
    { name: 'Fallback: a container that never ran has no log', policy: 'FallbackToLogsOnError', exit: 128, file: undefined, neverStarted: true, source: 'none' },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(terminationMessageSource(row.policy, row.exit, row.file, row.neverStarted)).toBe(row.source);
    });
  }

  it('the log fallback keeps the last 2048 bytes', () => {
    const log = `${'x'.repeat(3000)}END\n`;
    expect(lastLogBytes(log)).toHaveLength(MAX_TERMINATION_LOG_BYTES);
    expect(lastLogBytes(log).endsWith('END\n')).toBe(true);
    expect(lastLogBytes('short\n')).toBe('short\n');
  });

  it('labels carry the path and policy, with the apiserver\'s defaults', () => {
    expect(terminationLabels({ name: 'c' })).toEqual({
      'io.mini-kube.termination-message-path': '/dev/termination-log', 'io.mini-kube.termination-message-policy': 'File',
    });
    expect(terminationLabels({ name: 'c', terminationMessagePath: '/tmp/m', terminationMessagePolicy: 'FallbackToLogsOnError' })).toEqual({
      'io.mini-kube.termination-message-path': '/tmp/m', 'io.mini-kube.termination-message-policy': 'FallbackToLogsOnError',
    });
  });
});

describe('lastBytesOfTarFile (getArchive of a file)', () => {
  const archive = (entries: Parameters<typeof tarStream>[0]): Readable => tarStream(entries) as Readable;
  it('the whole file when small, the last bytes when large (tail.ReadAtMost)', async () => {
    expect((await lastBytesOfTarFile(archive([{ type: 'file', name: 'termination-log', content: Buffer.from('bye\n') }]), 4096))?.toString()).toBe('bye\n');
    const big = Buffer.concat([Buffer.alloc(5000, 'a'), Buffer.from('THE END')]);
    const tail = await lastBytesOfTarFile(archive([{ type: 'file', name: 'termination-log', content: big }]), 4096);
    expect(tail).toHaveLength(4096);
    expect(tail!.toString().endsWith('THE END')).toBe(true);
  });

  it('an empty file is an empty message', async () => {
    expect((await lastBytesOfTarFile(archive([{ type: 'file', name: 'termination-log', content: Buffer.alloc(0) }]), 4096))?.length).toBe(0);
  });
});
