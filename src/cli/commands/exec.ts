// `exec POD -- CMD...`, also in the tutorial's old form `exec -t POD rm /tmp/healthcheck`, and `-it` for a
// shell. The command's exit code becomes mini-kube's, as with kubectl.
import type { Command } from 'commander';
import { execInPod } from '../../client/exec.js';
import { action, CliError, connection } from '../context.js';

export function registerExec(program: Command): void {
  program.command('exec')
    .description('run a command in a pod\'s container: exec POD -- CMD [ARGS...]')
    .argument('<pod>', 'pod name')
    .argument('[command...]', 'command and its arguments (after --)')
    .option('-i, --stdin', 'pass stdin to the container')
    .option('-t, --tty', 'stdin is a TTY')
    .option('-c, --container <name>', 'container name (default: the first)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(action(async (pod: string, command: string[], opts: { stdin?: boolean; tty?: boolean; container?: string; namespace: string }) => {
      // Flags are parsed up to `--`, as kubectl does: `exec POD -n ns -- CMD` is a namespace, and an
      // unknown flag before `--` is refused rather than run as the command.
      if (!command.length) throw new CliError('you must specify at least one command for the container');
      let tty = !!opts.tty;
      if (tty && !(opts.stdin ? process.stdin.isTTY : process.stdout.isTTY)) {
        process.stderr.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
        tty = false;
      }
      const { client } = await connection();
      const raw = tty && opts.stdin && process.stdin.isTTY;
      if (raw) process.stdin.setRawMode(true);
      try {
        const code = await execInPod(client, {
          namespace: opts.namespace, pod, container: opts.container, command, stdin: !!opts.stdin, tty,
        }, {
          stdin: opts.stdin ? process.stdin : undefined,
          stdout: (d) => process.stdout.write(d),
          stderr: (d) => process.stderr.write(d),
          size: () => (process.stdout.columns ? { width: process.stdout.columns, height: process.stdout.rows } : undefined),
          onResize: (fn) => process.stdout.on('resize', fn),
        });
        if (code !== 0) {
          process.stderr.write(`command terminated with exit code ${code}\n`);
          process.exitCode = code;
        }
      } finally {
        if (raw) process.stdin.setRawMode(false);
        if (opts.stdin) process.stdin.pause();
      }
    }, { engine: true }));
}
