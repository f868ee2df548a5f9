// `port-forward TYPE/NAME [LOCAL:]REMOTE...`: kubectl's output ("Forwarding from 127.0.0.1:8080 -> 80",
// "Handling connection for 8080"), listening on 127.0.0.1 only, until interrupted.
import type { Command } from 'commander';
import { forwardPorts, parsePortMapping, resolveTarget } from '../../client/port-forward.js';
import { action, CliError, connection } from '../context.js';

export function registerPortForward(program: Command): void {
  program.command('port-forward')
    .description('forward local ports to a pod: port-forward pod/NAME|svc/NAME|deploy/NAME [LOCAL:]REMOTE...')
    .argument('<target>', 'pod name, or TYPE/NAME (pod, svc, deploy, rs)')
    .argument('<ports...>', 'ports: 8080:80, 80 (same local port) or :80 (any free local port)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(action(async (target: string, specs: string[], opts: { namespace: string }) => {
      let mappings;
      try {
        mappings = specs.map(parsePortMapping);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const { client } = await connection();
      let resolved;
      try {
        resolved = await resolveTarget(client, opts.namespace, target, mappings);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const forwarder = await forwardPorts(client, opts.namespace, resolved.pod.metadata.name!,
        mappings.map((m, i) => ({ local: m.local, remote: resolved.ports[i]! })), {
          listening: (local, remote) => process.stdout.write(`Forwarding from 127.0.0.1:${local} -> ${remote}\n`),
          connection: (local) => process.stdout.write(`Handling connection for ${local}\n`),
          error: (local, remote, message) => process.stderr.write(`error: an error occurred forwarding ${local} -> ${remote}: ${message}\n`),
        }).catch((err: Error) => {
        throw new CliError(`unable to listen on any of the requested ports: ${err.message}`);
      });
      await new Promise<void>((resolve) => {
        const stop = () => { forwarder.close().then(() => resolve(), () => resolve()); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    }));
}
