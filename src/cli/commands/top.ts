// `mini-kube top pod|node`: kubectl top (pkg/cmd/top) against metrics.k8s.io: CPU in millicores
// ("%vm" of MilliValue), memory in MiB ("%vMi" of Value/2^20), a node's share of its allocatable in percent.
import type { Command } from 'commander';
import { parseQuantity } from '../../kube/quantity.js';
import type { Node } from '../../kube/types.js';
import { formatTable } from '../../printers/tabwriter.js';
import { action, CliError, connection } from '../context.js';
import { codeUnitOrder } from '../../kube/code-unit-order.js';

const METRICS = '/apis/metrics.k8s.io/v1beta1';

interface Usage { cpu?: string; memory?: string }
interface PodMetrics { metadata: { name: string; namespace: string }; containers: { name: string; usage: Usage }[] }
interface NodeMetrics { metadata: { name: string }; usage: Usage }

const milli = (q: string | undefined) => Math.ceil(Math.round((parseQuantity(q ?? '0') ?? 0) * 1e6) / 1e3);
const bytes = (q: string | undefined) => Math.ceil(parseQuantity(q ?? '0') ?? 0);
const cpuText = (m: number) => `${m}m`;
const memText = (b: number) => `${Math.floor(b / (1024 * 1024))}Mi`;

interface TopOptions { namespace: string; allNamespaces?: boolean; selector?: string; containers?: boolean; sortBy?: string; headers?: boolean }

export function registerTop(program: Command): void {
  const top = program.command('top').description('CPU and memory use of pods or nodes, as kubectl top (metrics.k8s.io)');
  top.command('pod')
    .alias('pods').alias('po')
    .description('pods\' CPU (cores) and memory (bytes)')
    .argument('[name]', 'one pod')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'all namespaces')
    .option('-l, --selector <selector>', 'label selector')
    .option('--containers', 'one line per container')
    .option('--sort-by <field>', 'cpu or memory')
    .option('--no-headers', 'omit the header row')
    .action(action(async (name: string | undefined, opts: TopOptions) => {
      const { client } = await connection();
      const ns = opts.allNamespaces ? '' : `/namespaces/${encodeURIComponent(opts.namespace)}`;
      const q = opts.selector ? `?labelSelector=${encodeURIComponent(opts.selector)}` : '';
      let items: PodMetrics[];
      if (name) {
        items = [(await client.request<PodMetrics>('GET', `${METRICS}${ns}/pods/${encodeURIComponent(name)}`)).body];
      } else {
        items = (await client.request<{ items: PodMetrics[] }>('GET', `${METRICS}${ns}/pods${q}`)).body.items;
      }
      if (items.length === 0) {
        // kubectl: no pods at all is "No resources found"; pods without metrics yet is an error
        const pods = await client.list('Pod', { namespace: opts.allNamespaces ? undefined : opts.namespace, all: opts.allNamespaces, labelSelector: opts.selector });
        if (pods.items.length) throw new CliError('metrics not available yet');
        process.stderr.write(opts.allNamespaces ? 'No resources found\n' : `No resources found in ${opts.namespace} namespace.\n`);
        return;
      }
      const rows = items.map((p) => ({
        p,
        cpu: p.containers.reduce((s, c) => s + milli(c.usage.cpu), 0),
        mem: p.containers.reduce((s, c) => s + bytes(c.usage.memory), 0),
      }));
      sortRows(rows, opts.sortBy, (r) => `${r.p.metadata.namespace}/${r.p.metadata.name}`);
      const prefix = (r: { p: PodMetrics }) => (opts.allNamespaces ? [r.p.metadata.namespace] : []);
      const headers = [...(opts.allNamespaces ? ['NAMESPACE'] : []), ...(opts.containers ? ['POD', 'NAME'] : ['NAME']), 'CPU(cores)', 'MEMORY(bytes)', ''];
      const lines = rows.flatMap((r) => (opts.containers
        ? r.p.containers.map((c) => [...prefix(r), r.p.metadata.name, c.name, cpuText(milli(c.usage.cpu)), memText(bytes(c.usage.memory)), ''])
        : [[...prefix(r), r.p.metadata.name, cpuText(r.cpu), memText(r.mem), '']]));
      process.stdout.write(formatTable(opts.headers === false ? [] : headers, lines));
    }));
  top.command('node')
    .alias('nodes').alias('no')
    .description('the node\'s CPU and memory use and its share of allocatable')
    .argument('[name]', 'one node')
    .option('-l, --selector <selector>', 'label selector')
    .option('--sort-by <field>', 'cpu or memory')
    .option('--no-headers', 'omit the header row')
    .action(action(async (name: string | undefined, opts: TopOptions) => {
      const { client } = await connection();
      const q = opts.selector ? `?labelSelector=${encodeURIComponent(opts.selector)}` : '';
      const items = name
        ? [(await client.request<NodeMetrics>('GET', `${METRICS}/nodes/${encodeURIComponent(name)}`)).body]
        : (await client.request<{ items: NodeMetrics[] }>('GET', `${METRICS}/nodes${q}`)).body.items;
      if (items.length === 0) throw new CliError('metrics not available yet');
      const nodes = new Map((await client.list<Node>('Node')).items.map((n) => [n.metadata.name, n]));
      const rows = items.map((m) => ({ m, cpu: milli(m.usage.cpu), mem: bytes(m.usage.memory) }));
      sortRows(rows, opts.sortBy, (r) => r.m.metadata.name);
      const lines = rows.map((r) => {
        const alloc = nodes.get(r.m.metadata.name)?.status?.allocatable as Record<string, string> | undefined;
        const cpuAlloc = milli(alloc?.['cpu']);
        const memAlloc = bytes(alloc?.['memory']);
        const pct = (used: number, of: number) => (of > 0 ? `${Math.trunc((used * 100) / of)}%` : '<unknown>');
        return [r.m.metadata.name, cpuText(r.cpu), pct(r.cpu, cpuAlloc), memText(r.mem), pct(r.mem, memAlloc), ''];
      });
      const headers = ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)', ''];
      process.stdout.write(formatTable(opts.headers === false ? [] : headers, lines));
    }));
}

function sortRows<T extends { cpu: number; mem: number }>(rows: T[], by: string | undefined, name: (r: T) => string): void {
  if (by === undefined) rows.sort((a, b) => codeUnitOrder(name(a), name(b)));
  else if (by === 'cpu') rows.sort((a, b) => b.cpu - a.cpu);
  else if (by === 'memory') rows.sort((a, b) => b.mem - a.mem);
  else throw new CliError(`--sort-by accepts only cpu or memory, not "${by}"`);
}
