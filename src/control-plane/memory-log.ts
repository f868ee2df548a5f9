// An opt-in memory log for the daemon (MINI_KUBE_MEMLOG=<seconds>, 1 meaning 10 s): a line with
// process.memoryUsage() every N seconds, so a soak can tell the V8 heap (objects we keep) from native
// memory (allocator arenas, socket buffers). SIGUSR2 then logs a line taken after a full GC, which is the
// figure that shows a leak: heap still in use once garbage is gone. MINI_KUBE_MEMLOG_SNAPSHOTS=<dir> also
// writes a heap snapshot there on each SIGUSR2, to compare two of them (writing one leaves glibc's heap
// ~100 MB bigger for good: not for a run whose resident memory counts). Off by default: it costs nothing then.
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

const MB = 1024 * 1024;

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

export function memorySample(): MemorySample {
  const m = process.memoryUsage();
  const r = (n: number) => Math.round((n / MB) * 10) / 10;
  return { rssMb: r(m.rss), heapUsedMb: r(m.heapUsed), heapTotalMb: r(m.heapTotal), externalMb: r(m.external), arrayBuffersMb: r(m.arrayBuffers) };
}

/** A full GC without starting node with --expose-gc (only ever called when the log was asked for). */
function fullGc(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** Starts the log when MINI_KUBE_MEMLOG is set; returns a stop function. */
export function startMemoryLog(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): () => void {
  const setting = env.MINI_KUBE_MEMLOG;
  if (!setting || setting === '0') return () => {};
  const seconds = Number(setting) > 1 ? Number(setting) : 10;
  const line = (tag: string) => log(`memory ${tag} ${JSON.stringify(memorySample())}`);
  const timer = setInterval(() => line('sample'), seconds * 1000);
  timer.unref();
  const onSignal = () => {
    fullGc();
    line('after-gc');
    const dir = env.MINI_KUBE_MEMLOG_SNAPSHOTS;
    if (dir) log(`heap snapshot ${v8.writeHeapSnapshot(path.join(dir, `mini-kube-${process.pid}-${Date.now()}.heapsnapshot`))}`);
  };
  process.on('SIGUSR2', onSignal);
  line('sample');
  return () => {
    clearInterval(timer);
    process.off('SIGUSR2', onSignal);
  };
}
