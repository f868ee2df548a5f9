import { describe, expect, it } from 'vitest';
import { cgroupProcsCandidates, execProcessTree, inContainerKillCommand, parseProcStat, type ProcStat } from '../../../src/runtime/process-tree.js';

describe('parseProcStat', () => {
  it('reads pid, ppid, process group and session', () => {
    expect(parseProcStat('8583 (sleep) S 8578 8578 8578 0 -1 4194560 108 0')).toEqual({ pid: 8583, ppid: 8578, pgrp: 8578, session: 8578 });
  });

  it('copes with spaces and parentheses in the command name', () => {
    expect(parseProcStat('42 (my (odd) name) R 1 40 41 0 -1')).toEqual({ pid: 42, ppid: 1, pgrp: 40, session: 41 });
  });

  it('rejects garbage', () => {
    expect(parseProcStat('nonsense')).toBeUndefined();
  });
});

describe('execProcessTree', () => {
  const procs: ProcStat[] = [
    { pid: 1, ppid: 0, pgrp: 1, session: 1 }, // host init
    { pid: 500, ppid: 400, pgrp: 500, session: 500 }, // container's docker-init
    { pid: 600, ppid: 590, pgrp: 600, session: 600 }, // the exec (setsid by runc)
    { pid: 601, ppid: 600, pgrp: 600, session: 600 }, // its child
    { pid: 602, ppid: 500, pgrp: 600, session: 600 }, // a background child re-parented to init
    { pid: 603, ppid: 601, pgrp: 603, session: 603 }, // a grandchild that called setsid
    { pid: 700, ppid: 500, pgrp: 700, session: 700 }, // another exec, untouched
  ];

  it('takes the exec, its session, and descendants', () => {
    expect(execProcessTree(600, procs)).toEqual([600, 601, 602, 603]);
  });

  it('still finds the session after the leader exited', () => {
    expect(execProcessTree(600, procs.filter((p) => p.pid !== 600))).toEqual([601, 602, 603]);
  });
});

describe('cgroupProcsCandidates', () => {
  const id = 'c'.repeat(64);

  it('cgroup v1: the pids controller first, then the others of the container', () => {
    const text = `9:name=systemd:/docker/${id}\n8:pids:/docker/${id}\n1:cpu,cpuacct:/docker/${id}\n0::/docker/${id}\n`;
    const files = cgroupProcsCandidates(text, id);
    expect(files[0]).toBe(`/sys/fs/cgroup/pids/docker/${id}/cgroup.procs`);
    expect(files).toContain(`/sys/fs/cgroup/systemd/docker/${id}/cgroup.procs`);
    expect(files).toContain(`/sys/fs/cgroup/cpu/docker/${id}/cgroup.procs`);
    expect(files).toContain(`/sys/fs/cgroup/docker/${id}/cgroup.procs`);
  });

  it('cgroup v2 (systemd driver)', () => {
    expect(cgroupProcsCandidates(`0::/system.slice/docker-${id}.scope\n`, id)).toEqual([
      `/sys/fs/cgroup/system.slice/docker-${id}.scope/cgroup.procs`,
      `/sys/fs/cgroup/unified/system.slice/docker-${id}.scope/cgroup.procs`,
    ]);
  });

  it('nothing for a process outside the container', () => {
    expect(cgroupProcsCandidates('0::/user.slice/session-1.scope\n', id)).toEqual([]);
  });
});

describe('inContainerKillCommand', () => {
  it('matches processes by the marker in their environment', () => {
    const cmd = inContainerKillCommand('abc123');
    expect(cmd.slice(0, 2)).toEqual(['sh', '-c']);
    expect(cmd[2]).toContain("grep -q 'MINI_KUBE_EXEC_ID=abc123' \"$d/environ\"");
    expect(cmd[2]).toContain('kill -9');
  });
});
