// The `mini-kube` command: a kubectl-like client of the control plane's API, plus the commands that run
// the control plane itself. Each command group lives in commands/<group>.ts.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerExec } from './commands/exec.js';
import { registerGet } from './commands/get.js';
import { registerPortForward } from './commands/port-forward.js';
import { registerInspect } from './commands/inspect.js';
import { registerKubeconfig } from './commands/kubeconfig.js';
import { registerLifecycle } from './commands/lifecycle.js';
import { registerDemo, registerTools } from './commands/tools.js';
import { cliErrorText } from './flag-errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

// `mini-kube get pod -o name | head -1`: the reader went away, which is not an error of ours (kubectl and
// every Unix tool end quietly there too).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const program = new Command('mini-kube')
  .description('a local Kubernetes-like orchestrator: Deployments, Services and probes on real Docker containers')
  .version(pkg.version)
  .enablePositionalOptions()
  // Errors are kubectl's: an unknown flag is one line; other parse errors end with the hint to --help.
  .configureOutput({ outputError: (str, write) => write(cliErrorText(str)) });

registerLifecycle(program);
registerKubeconfig(program);
registerApply(program);
registerGet(program);
registerInspect(program);
registerExec(program);
registerPortForward(program);
registerTools(program);
registerDemo(program);

await program.parseAsync(process.argv);
