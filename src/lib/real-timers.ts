// The clock and timers as they were when the library was loaded. A test may fake them afterwards
// (`vi.useFakeTimers()`, sinon): the library's waits must still sleep and time out in real time, since
// the cluster they wait for lives in real time (its control plane is another process: cluster-process.ts).
// ESM imports run before a test's body, so these are the real ones.
const setTimeoutAtLoad = globalThis.setTimeout;
const dateNowAtLoad = Date.now;

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeoutAtLoad(resolve, ms));
}

export function realNow(): number {
  return dateNowAtLoad();
}
