// A per-user scratch directory for library clusters, shared by every test process of the user:
// $TMPDIR/mini-kube-lib-<uid>, mode 0700. It holds the registry of live clusters (reaper.ts) and the
// cached TLS identity (tls-cache.ts). A directory that is not ours or is open to others is not used.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function scratchDir(...sub: string[]): string | undefined {
  const uid = process.getuid?.() ?? 0;
  const root = path.join(os.tmpdir(), `mini-kube-lib-${uid}`);
  try {
    fs.mkdirSync(root, { mode: 0o700, recursive: true });
    const st = fs.lstatSync(root);
    if (!st.isDirectory() || (process.getuid && st.uid !== uid) || (st.mode & 0o077) !== 0) return undefined;
    const dir = path.join(root, ...sub);
    fs.mkdirSync(dir, { mode: 0o700, recursive: true });
    return dir;
  } catch {
    return undefined;
  }
}
