// The `mini-kube` command: a kubectl-like client of the control plane's API, plus the commands that run
// the control plane itself. Each command group lives in commands/<group>.ts.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { cliErrorText } from './flag-errors.js';

type Register = (program: Command) => void;

/**
 * Every command, by name, with the module that registers it. Only the module of the command typed is
 * loaded (a `get` does not load the control plane, dockerode or the manifest pipeline: module loading is
 * most of a command's time, docs/performance.md); `--help`, no command or an unknown one load them all.
 * To add a command: write commands/<group>.ts exporting a register function, and add its name(s) here.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  up: () => import('./commands/lifecycle.js').then((m) => m.registerLifecycle),
  down: () => import('./commands/lifecycle.js').then((m) => m.registerLifecycle),
  status: () => import('./commands/lifecycle.js').then((m) => m.registerLifecycle),
  kubeconfig: () => import('./commands/kubeconfig.js').then((m) => m.registerKubeconfig),
  apply: () => import('./commands/apply.js').then((m) => m.registerApply),
  delete: () => import('./commands/apply.js').then((m) => m.registerApply),
  get: () => import('./commands/get.js').then((m) => m.registerGet),
  describe: () => import('./commands/inspect.js').then((m) => m.registerInspect),
  logs: () => import('./commands/inspect.js').then((m) => m.registerInspect),
  scale: () => import('./commands/inspect.js').then((m) => m.registerInspect),
  exec: () => import('./commands/exec.js').then((m) => m.registerExec),
  top: () => import('./commands/top.js').then((m) => m.registerTop),
  'port-forward': () => import('./commands/port-forward.js').then((m) => m.registerPortForward),
  'build-sample-image': () => import('./commands/tools.js').then((m) => m.registerTools),
  demo: () => import('./commands/tools.js').then((m) => m.registerDemo),
  node: () => import('./commands/node.js').then((m) => m.registerNode),
  dashboard: () => import('./commands/tools.js').then((m) => m.registerDemo),
};

/** package.json's version, read only for `--version` (a file read and a parse every command would pay). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

// `mini-kube get pod -o name | head -1`: the reader went away, which is not an error of ours (kubectl and
// every Unix tool end quietly there too).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

// The command is the first argument that is not a flag (the program's own flags are only -V and -h).
const typed = process.argv.slice(2).find((a) => !a.startsWith('-'));
const versionOnly = !typed && process.argv.slice(2).every((a) => a === '-V' || a === '--version') && process.argv.length > 2;

const program = new Command('mini-kube')
  .description('a local Kubernetes-like orchestrator: Deployments, Services and probes on real Docker containers')
  // the text only matters when asked for; the option itself (and `--help`'s line for it) is always there
  .version(process.argv.slice(2).some((a) => a === '-V' || a === '--version') ? version() : '')
  .enablePositionalOptions()
  // Errors are kubectl's: an unknown flag is one line; other parse errors end with the hint to --help.
  .configureOutput({ outputError: (str, write) => write(cliErrorText(str)) });

/**
 * No top-level await: the build bundles this program into one CommonJS file (scripts/bundle-cli.mjs),
 * which Node loads without its ES module loader, and CommonJS has no top-level await.
 */
async function run(): Promise<void> {
  const loaders = typed && Object.hasOwn(COMMANDS, typed) ? [COMMANDS[typed]!] : versionOnly ? [] : Object.values(COMMANDS);
  const registered = new Set<Register>();
  for (const register of await Promise.all(loaders.map((load) => load()))) {
    if (registered.has(register)) continue;
    registered.add(register);
    register(program);
  }
  await program.parseAsync(process.argv);
  if (typed && EXIT_WHEN_DONE.has(typed)) exitWhenFlushed();
}

/**
 * Commands that are over when their action returns (they await their streams and watches): the process
 * exits then rather than letting Node tear its environment down on its own, ~3 ms sooner.
 */
const EXIT_WHEN_DONE = new Set(['get', 'describe', 'logs', 'exec']);

/** process.exit() once what was written to stdout and stderr is out (pipes are asynchronous on macOS). */
function exitWhenFlushed(): void {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  if (!pending.length) process.exit();
  let left = pending.length;
  for (const s of pending) s.once('drain', () => { if (--left === 0) process.exit(); });
}

void run();
