// `mini-kube node stop|start NAME`: simulate a node failure (its kubelet and heartbeats stop, its
// containers stop) and its return; and the parsing of `up --nodes/--node-labels/--node-capacity`.
import type { Command } from 'commander';
import { connect } from '../../client/connect.js';
import { action, CliError, home } from '../context.js';

// the control plane's routes (src/control-plane/node-routes.ts), by value: the CLI does not load the control plane
const NODE_PATHS = { stop: '/mini-kube/nodes/stop', start: '/mini-kube/nodes/start' } as const;

export function registerNode(program: Command): void {
  const node = program.command('node').description('simulate node failures: stop or start one node of a multi-node cluster (up --nodes N)');
  for (const verb of ['stop', 'start'] as const) {
    node.command(`${verb} <name>`)
      .description(verb === 'stop'
        ? 'stop a node as a power cut would: its kubelet and heartbeats stop and its containers stop; the node turns NotReady after the grace period (40 s)'
        : 'start a stopped node again: a fresh kubelet registers and heartbeats, and its pods run again')
      .action(action(async (name: string) => {
        const conn = await connect(home(), (line) => process.stderr.write(line + '\n'));
        try {
          await conn.client.request('POST', NODE_PATHS[verb], { name });
          process.stdout.write(`node/${name} ${verb === 'stop' ? 'stopped' : 'started'}\n`);
        } finally {
          conn.client.close();
        }
      }));
  }
}

export interface NodeFlags {
  nodes?: string;
  nodeLabels?: string[];
  nodeCapacity?: string[];
}

/** The nodes `up` asks for: names mini-kube, mini-kube-m02, ...; `NAME:k=v,k=v` labels and `NAME:cpu=2,memory=2Gi` capacities. */
export function nodesFromFlags(flags: NodeFlags, names: (n: number) => string[]): { name: string; labels?: Record<string, string>; capacity?: { cpu?: string; memory?: string } }[] | undefined {
  if (flags.nodes === undefined && !flags.nodeLabels?.length && !flags.nodeCapacity?.length) return undefined;
  const count = flags.nodes === undefined ? 1 : Number(flags.nodes);
  if (!Number.isInteger(count) || count < 1 || count > 20) throw new CliError(`--nodes must be a whole number from 1 to 20, not "${flags.nodes}"`);
  const nodes = names(count).map((name) => ({ name } as { name: string; labels?: Record<string, string>; capacity?: { cpu?: string; memory?: string } }));
  const target = (spec: string, flag: string) => {
    const i = spec.indexOf(':');
    const node = nodes.find((n) => n.name === spec.slice(0, i));
    if (i < 0 || !node) throw new CliError(`${flag} "${spec}": expected NODE:key=value[,key=value], NODE one of ${nodes.map((n) => n.name).join(', ')}`);
    const pairs = spec.slice(i + 1).split(',').filter(Boolean).map((kv) => {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new CliError(`${flag} "${spec}": "${kv}" is not key=value`);
      return [kv.slice(0, eq), kv.slice(eq + 1)] as const;
    });
    return { node, pairs };
  };
  for (const spec of flags.nodeLabels ?? []) {
    const { node, pairs } = target(spec, '--node-labels');
    node.labels = { ...node.labels, ...Object.fromEntries(pairs) };
  }
  for (const spec of flags.nodeCapacity ?? []) {
    const { node, pairs } = target(spec, '--node-capacity');
    for (const [k] of pairs) if (k !== 'cpu' && k !== 'memory') throw new CliError(`--node-capacity "${spec}": only cpu and memory can be set`);
    node.capacity = { ...node.capacity, ...Object.fromEntries(pairs) };
  }
  return nodes;
}
