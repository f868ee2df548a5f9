// Shared by the streams-*.test.ts files: one control plane with kubectl 1.32 and Debian's kubectl 1.20
// on the same kubeconfig, and a real terminal for kubectl -it (script(1)'s pty) that the test types into
// and resizes: the size is set with stty on the pty and kubectl gets SIGWINCH, as when a user resizes the
// window, so kubectl itself sends the new size on its resize stream (SPDY) or channel 4 (WebSocket).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureKubectl120, kubectlEnv, shellQuote, type KubectlEnv } from './kubectl-support.js';

export interface StreamsEnv {
  k: KubectlEnv;
  /** argv of kubectl VERSION on the cluster's kubeconfig */
  argv(version: '1.32' | '1.20', args: string[]): string[];
  env: NodeJS.ProcessEnv;
}

export async function streamsEnv(): Promise<StreamsEnv> {
  const k = await kubectlEnv('kubectl');
  const bin120 = ensureKubectl120();
  return {
    k,
    argv: (version, args) => version === '1.32' ? k.argv(args)
      : [bin120, '--kubeconfig', k.kubeconfig, '--cache-dir', path.join(k.dir, 'cache-1.20'), ...args],
    env: { ...process.env, HOME: k.dir, KUBECONFIG: '', LANG: 'C' },
  };
}

export interface PtySession {
  child: ChildProcess;
  /** everything the terminal showed so far */
  out(): string;
  /** waits until the terminal shows `re` after `from` characters of output; returns the end of the match */
  waitFor(re: RegExp, from?: number, timeoutMs?: number): Promise<number>;
  /** types into the terminal */
  send(text: string): void;
  /** resizes the terminal (stty on the pty) and signals kubectl with SIGWINCH */
  resize(cols: number, rows: number): void;
  /** kubectl's exit code once it ended */
  exited: Promise<number>;
}

/** Runs argv in a pty of cols x rows. */
export function inPty(env: NodeJS.ProcessEnv, dir: string, argv: string[], cols: number, rows: number): PtySession {
  const sizeFile = path.join(dir, `pty-size-${process.hrtime.bigint()}`);
  const line = [
    `stty cols ${cols} rows ${rows}`,
    `${shellQuote(argv)} </dev/tty & P=$!`,
    `while kill -0 $P 2>/dev/null; do if [ -f ${sizeFile} ]; then stty $(cat ${sizeFile}); rm -f ${sizeFile}; kill -WINCH $P; fi; sleep 0.1; done`,
    'wait $P',
  ].join('; ');
  const child = spawn('script', ['-qec', line, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (c: Buffer) => {
    out += c.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    child,
    out: () => out,
    waitFor(re, from = 0, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out.slice(from));
          if (!m) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(from + m.index + m[0].length);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the terminal did not show ${re} within ${timeoutMs} ms; it showed:\n${out}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    send(text) {
      child.stdin!.write(text);
    },
    resize(c, r) {
      fs.writeFileSync(`${sizeFile}.tmp`, `cols ${c} rows ${r}`);
      fs.renameSync(`${sizeFile}.tmp`, sizeFile);
    },
    exited,
  };
}
