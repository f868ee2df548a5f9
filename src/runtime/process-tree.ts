// Ending a timed-out exec. The engine has no API to kill an exec, so on a local engine mini-kube signals the
// exec's processes itself: the exec process is a session leader (runc calls setsid), so its session holds
// every child, including background ones that were re-parented to the container's init.
import { readdir, readFile } from 'node:fs/promises';

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so fields follow the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // after ") ": state ppid pgrp session ...
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const session = Number(fields[3]);
  if (![pid, ppid, pgrp, session].every(Number.isInteger)) return undefined;
  return { pid, ppid, pgrp, session };
}

/** The exec process, the members of its session and process group, and all their descendants. */
export function execProcessTree(rootPid: number, procs: ProcStat[]): number[] {
  const victims = new Set<number>();
  for (const p of procs) {
    if (p.pid === rootPid || p.session === rootPid || p.pgrp === rootPid) victims.add(p.pid);
  }
  // children that started their own session or group are still found through their parent
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!victims.has(p.pid) && victims.has(p.ppid)) {
        victims.add(p.pid);
        grew = true;
      }
    }
  }
  return [...victims].sort((a, b) => a - b);
}

async function readProcStats(pids?: number[]): Promise<ProcStat[]> {
  const names = pids ? pids.map(String) : (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const stats = await Promise.all(
    names
      .map(async (n) => {
        try {
          return parseProcStat(await readFile(`/proc/${n}/stat`, 'utf8'));
        } catch {
          return undefined; // the process ended while we looked
        }
      }),
  );
  return stats.filter((s): s is ProcStat => s !== undefined);
}

/**
 * True when host process `pid` runs in the container: its cgroup path names the container id. This guards
 * every kill, so a pid from another PID namespace (remote engine, Docker Desktop) can never hit a host process.
 */
export async function processBelongsToContainer(pid: number, containerId: string): Promise<boolean> {
  if (!(pid > 0) || process.platform !== 'linux') return false;
  try {
    return (await readFile(`/proc/${pid}/cgroup`, 'utf8')).includes(containerId);
  } catch {
    return false;
  }
}

/**
 * The cgroup.procs files that may list the container's processes, from /proc/<pid>/cgroup lines
 * "<id>:<controllers>:<path>": cgroup v2 (id 0) at /sys/fs/cgroup<path>, v1 under the controller's mount.
 */
export function cgroupProcsCandidates(cgroupText: string, containerId: string): string[] {
  const out: string[] = [];
  for (const line of cgroupText.split('\n')) {
    const m = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!m || !m[3].includes(containerId)) continue;
    const [, hierarchy, controllers, path] = m;
    if (hierarchy === '0' && controllers === '') {
      out.push(`/sys/fs/cgroup${path}/cgroup.procs`, `/sys/fs/cgroup/unified${path}/cgroup.procs`);
    } else {
      for (const c of controllers.split(',')) {
        if (c) out.push(`/sys/fs/cgroup/${c.replace(/^name=/, '')}${path}/cgroup.procs`);
      }
    }
  }
  // prefer the pids controller (v1) and v2: both list every process of the container
  return out.sort((a, b) => Number(b.includes('/pids/')) - Number(a.includes('/pids/')));
}

/**
 * The pids of the container that `rootPid` runs in, from its cgroup (a few entries, where scanning /proc
 * reads a file per process on the host: tens of ms of CPU on a busy machine). Undefined when unknown.
 */
async function containerPids(rootPid: number, containerId: string): Promise<number[] | undefined> {
  let cgroupText: string;
  try {
    cgroupText = await readFile(`/proc/${rootPid}/cgroup`, 'utf8');
  } catch {
    return undefined; // the exec ended (nothing to kill there) or /proc is not ours
  }
  for (const file of cgroupProcsCandidates(cgroupText, containerId)) {
    try {
      const pids = (await readFile(file, 'utf8')).split('\n').map(Number).filter((n) => Number.isInteger(n) && n > 0);
      if (pids.includes(rootPid)) return pids;
    } catch {
      // not mounted here; try the next
    }
  }
  return undefined;
}

/**
 * SIGKILLs the exec's process tree on the host; returns the pids signalled. `containerPid` (the
 * container's own process, asked for only when needed) finds the container's cgroup once the exec's
 * root process has exited but its children live on.
 */
export async function killExecOnHost(rootPid: number, containerId: string, containerPid?: () => Promise<number | undefined>): Promise<number[]> {
  if (!(rootPid > 0) || process.platform !== 'linux') return [];
  const killed: number[] = [];
  // The exec's processes all live in the container's cgroup: read just those; scan /proc only without
  // it (on a busy host a scan reads hundreds of files: it dominated exec probes' CPU under overload).
  let pids = await containerPids(rootPid, containerId);
  if (!pids && containerPid) {
    const pid = await containerPid().catch(() => undefined);
    if (pid !== undefined && pid > 0) pids = await containerPids(pid, containerId);
  }
  for (const pid of execProcessTree(rootPid, await readProcStats(pids))) {
    if (!(await processBelongsToContainer(pid, containerId))) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}

/** Environment variable that tags an exec's processes when they must be found from inside the container. */
export const EXEC_MARKER_ENV = 'MINI_KUBE_EXEC_ID';

/**
 * A shell command run inside the container that SIGKILLs every process whose environment carries the
 * marker (children inherit it). Used when host pids are not visible, as under Docker Desktop.
 */
export function inContainerKillCommand(marker: string): string[] {
  const needle = `${EXEC_MARKER_ENV}=${marker}`;
  return [
    'sh',
    '-c',
    `for d in /proc/[0-9]*; do grep -q '${needle}' "$d/environ" 2>/dev/null && kill -9 "\${d#/proc/}" 2>/dev/null; done; true`,
  ];
}
