// `mini-kube kubeconfig`: prints a kubeconfig for this home's cluster, so kubectl and client-node reach
// it (`mini-kube kubeconfig > mk.yaml; kubectl --kubeconfig mk.yaml get pods`). Also the merge into the
// user's kubeconfig that `up` does and `down --purge` undoes, with the one line each prints.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { runningState } from '../../client/connect.js';
import { homePaths, loadConfig } from '../../control-plane/home.js';
import {
  contextName, defaultKubeconfigPath, entryForHome, kubeconfigFor, mergeKubeconfig, removeFromKubeconfig, renderKubeconfig,
  writeKubeconfig,
} from '../../control-plane/kubeconfig.js';
import { action, CliError, home } from '../context.js';

export function registerKubeconfig(program: Command): void {
  program.command('kubeconfig')
    .description('print a kubeconfig for the cluster (server, CA, token; context "mini-kube")')
    // no -o: in kubectl that short flag names an output format, and `-o yaml` must not become a file named yaml
    .option('--output <file>', 'write it to FILE (mode 0600: it holds the admin token) instead of printing it')
    .action(action(async (opts: { output?: string }) => {
      const h = home();
      const url = serverUrl(h);
      const doc = kubeconfigFor(entryForHome(h, url));
      if (!opts.output) {
        process.stdout.write(renderKubeconfig(doc));
        return;
      }
      // A shell redirect creates the file with the umask (usually 0644, readable by everyone): write it ourselves.
      const file = path.resolve(opts.output);
      try {
        writeKubeconfig(file, doc);
      } catch (err) {
        throw new CliError(`could not write the kubeconfig to ${file}: ${(err as Error).message} (choose a writable path)`);
      }
      process.stderr.write(`kubeconfig written to ${file} (mode 0600); use it with \`kubectl --kubeconfig ${opts.output} get pods\`\n`);
    }));
}

/** The running API's URL; else the port this home keeps (kubeconfigs stay valid across restarts). */
function serverUrl(h: string): string {
  const state = runningState(h);
  if (state) return state.url;
  const { apiPort } = loadConfig(h);
  const p = homePaths(h);
  if (apiPort && fs.existsSync(p.ca) && fs.existsSync(p.token)) {
    process.stderr.write(`note: the control plane is not running; this kubeconfig points at its port ${apiPort} (start it with \`mini-kube up -d\`)\n`);
    return `https://127.0.0.1:${apiPort}`;
  }
  throw new CliError('this cluster has never run, so it has no address or certificate yet; run `mini-kube up -d` first');
}

/** `up`: merges the context into $KUBECONFIG's first file or ~/.kube/config, and says what it did. */
export function mergeIntoUserKubeconfig(h: string, url: string, write: (line: string) => void): void {
  try {
    const r = mergeKubeconfig(defaultKubeconfigPath(), entryForHome(h, url));
    write(r.setCurrent
      ? `kubeconfig: context "${r.name}" written to ${r.file} and made the current context (kubectl now talks to mini-kube)`
      : `kubeconfig: context "${r.name}" written to ${r.file}; the current context stays "${r.current}" (use \`kubectl --context ${r.name}\` or \`kubectl config use-context ${r.name}\`)`);
  } catch (err) {
    // The cluster runs either way; a kubeconfig we cannot parse is the user's to fix, not to overwrite.
    write(`kubeconfig: not updated: ${(err as Error).message} (\`mini-kube kubeconfig\` prints one)`);
  }
}

/** `down --purge`: removes the context again. */
export function removeFromUserKubeconfig(h: string, write: (line: string) => void): void {
  const file = defaultKubeconfigPath();
  const name = contextName(h);
  try {
    if (removeFromKubeconfig(file, name)) write(`kubeconfig: context "${name}" removed from ${file}`);
  } catch (err) {
    write(`kubeconfig: not updated: ${(err as Error).message}`);
  }
}
