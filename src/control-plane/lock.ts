// One control plane per home: a lock file holding the owner's pid. A stale lock (its process is gone,
// e.g. after SIGKILL) is taken over, so a crash never blocks the next `up`.
import * as fs from 'node:fs';
import { pidAlive } from './home.js';

export interface Lock {
  release(): void;
}

export class AlreadyRunningError extends Error {
  constructor(readonly pid: number) {
    super(`a mini-kube control plane for this home is already running (pid ${pid})`);
  }
}

export function acquireLock(file: string): Lock {
  for (let i = 0; i < 2; i++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return { release: () => { try { if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.rmSync(file); } catch { /* gone */ } } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && pidAlive(pid)) throw new AlreadyRunningError(pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
