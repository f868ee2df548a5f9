// A stand-in for vitest's main process with the forks pool: it forks a worker (IPC channel) that starts a
// cluster and then hangs, says the worker's pid, and waits to be SIGKILLed, leaving the worker orphaned.
import { fork } from 'node:child_process';

const worker = fork(new URL('./abandon.mjs', import.meta.url).pathname, [], { env: { ...process.env, MODE: 'hang' } });
console.log(`WORKER=${worker.pid}`);
setInterval(() => {}, 1000);
