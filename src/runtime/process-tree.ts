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

async function readProcStats(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  const stats = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
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

/** SIGKILLs the exec's process tree on the host; returns the pids signalled. */
export async function killExecOnHost(rootPid: number, containerId: string): Promise<number[]> {
  if (!(rootPid > 0) || process.platform !== 'linux') return [];
  const killed: number[] = [];
  for (const pid of execProcessTree(rootPid, await readProcStats())) {
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
