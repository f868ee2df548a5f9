// File modes of what a cluster keeps on disk: objects hold env values, the home holds the admin token.
import * as fs from 'node:fs';

/** chmod when looser than `mode`; what belongs to someone else, or a read-only file system, is left alone. */
export function tightenMode(p: string, mode: number): void {
  try {
    const st = fs.statSync(p);
    if ((st.mode & 0o777 & ~mode) !== 0 && (process.getuid === undefined || st.uid === process.getuid())) fs.chmodSync(p, mode);
  } catch {
    /* not ours to change */
  }
}
