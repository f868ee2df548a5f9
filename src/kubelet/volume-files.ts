// The kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go): the files of a configMap, secret,
// downwardAPI or projected volume are written into a new hidden directory `..<timestamp>.<random>`, then
// the symlink `..data` is switched to it by one rename, and every top-level name is a symlink through
// `..data` (`key -> ..data/key`). A reader inside the container sees the old set of files or the new one,
// never a mix; a subPath bind (resolved through the symlinks when the container is created) keeps the
// file it had, as on Kubernetes.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** permission bits (items[].mode, else defaultMode) */
  mode: number;
}

const DATA_DIR = '..data';
const DATA_DIR_TMP = '..data_tmp';

/** `..2006_01_02_15_04_05.` as the kubelet formats the prefix of the timestamped directory (UTC). */
function tsPrefix(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

/** A payload path is relative, without `..` elements, and does not start with `..` (validated at admission too). */
export function isSafePayloadPath(p: string): boolean {
  if (!p || path.isAbsolute(p) || p.startsWith('..')) return false;
  return !p.split('/').some((e) => e === '..' || e === '');
}

/** True when the files under `..data` are exactly the payload (names, contents and modes). */
function unchanged(dir: string, payload: Map<string, FileProjection>, gid?: number): boolean {
  const data = path.join(dir, DATA_DIR);
  let existing: string[];
  try {
    existing = listFiles(data, '');
  } catch {
    return false;
  }
  if (existing.length !== payload.size) return false;
  for (const name of existing) {
    const want = payload.get(name);
    if (!want) return false;
    const file = path.join(data, name);
    const st = fs.statSync(file);
    if ((st.mode & 0o7777) !== want.mode && (gid === undefined || (st.mode & 0o7777) !== (want.mode | 0o444))) return false;
    if (gid !== undefined && st.gid !== gid && (st.mode & 0o444) !== 0o444) return false;
    if (!fs.readFileSync(file).equals(want.data)) return false;
  }
  return true;
}

function listFiles(dir: string, prefix: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Makes `dir` hold exactly `payload`, atomically for a reader through `..data`. Returns false (and
 * writes nothing) when it already does.
 */
/**
 * With a pod's fsGroup, the kubelet's SetVolumeOwnership for these read-only volumes: every file's group is
 * the fsGroup and its mode gains owner and group read (0440). Where this process may not give a file that
 * group (not root, not a member), the file is made readable to all instead: inside the container, the
 * fsGroup member still reads it (the host directory above it stays 0700).
 */
export function withFsGroup(payload: Map<string, FileProjection>, fsGroup: number | undefined): { payload: Map<string, FileProjection>; gid?: number } {
  if (fsGroup === undefined) return { payload };
  const out = new Map<string, FileProjection>();
  for (const [k, f] of payload) out.set(k, { ...f, mode: f.mode | 0o440 });
  return { payload: out, gid: fsGroup };
}

function chownGroup(file: string, gid: number, mode: number): void {
  try {
    fs.chownSync(file, fs.statSync(file).uid, gid);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    fs.chmodSync(file, mode | 0o444);
  }
}

export function writeAtomic(dir: string, payload: Map<string, FileProjection>, now = new Date(), gid?: number): boolean {
  for (const p of payload.keys()) if (!isSafePayloadPath(p)) throw new Error(`invalid file path ${JSON.stringify(p)} in the volume's payload`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (unchanged(dir, payload, gid)) return false;
  let oldTs: string | undefined;
  try {
    oldTs = fs.readlinkSync(path.join(dir, DATA_DIR));
  } catch { /* first write */ }
  const oldNames = oldTs ? new Set(fs.readdirSync(path.join(dir, oldTs)).map((n) => n)) : new Set<string>();

  // 1. the new generation, complete, in a directory no reader looks at yet
  const tsDir = fs.mkdtempSync(path.join(dir, tsPrefix(now)));
  fs.chmodSync(tsDir, 0o755);
  for (const [rel, f] of payload) {
    const file = path.join(tsDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, f.data, { mode: f.mode });
    fs.chmodSync(file, f.mode); // the process umask must not narrow the mode asked for
    if (gid !== undefined) chownGroup(file, gid, f.mode);
  }
  // 2. the switch: one rename of a symlink
  const tmp = path.join(dir, DATA_DIR_TMP);
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(path.basename(tsDir), tmp);
  fs.renameSync(tmp, path.join(dir, DATA_DIR));
  // 3. the user-visible names, through ..data; names the new payload no longer has go
  const newNames = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const name of newNames) {
    const link = path.join(dir, name);
    if (!fs.existsSync(link) && !isSymlink(link)) fs.symlinkSync(path.join(DATA_DIR, name), link);
  }
  for (const name of oldNames) {
    if (newNames.has(name)) continue;
    const link = path.join(dir, name);
    if (isSymlink(link)) fs.rmSync(link, { force: true });
  }
  // 4. the old generation (a subPath bind keeps its open file: the bind holds the inode, not the name)
  if (oldTs && oldTs.startsWith('..') && !oldTs.includes('/')) fs.rmSync(path.join(dir, oldTs), { recursive: true, force: true });
  return true;
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
