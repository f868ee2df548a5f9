// `get` with kubectl's output: server-side Tables printed like kubectl's tabwriter, -o wide|json|yaml|name,
// -l, -n, -A, -w, several kinds at once (svc,ep) and `all`.
import type { Command } from 'commander';
import type { Table } from '../../client/api-client.js';
import { byAnyName, RESOURCE_TYPES, type ResourceType } from '../../kube/kinds.js';
import { newKubectlTabWriter, noResourcesMessage, printTable } from '../../printers/tabwriter.js';
import { action, CliError, connection } from '../context.js';

export interface GetOptions {
  output?: string;
  selector?: string;
  namespace?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  showLabels?: boolean;
  /** false with --no-headers (commander names a negated option by its positive form) */
  headers?: boolean;
}

export function registerGet(program: Command): void {
  program.command('get')
    .description('list objects as kubectl does: pods|po, deployments|deploy, replicasets|rs, statefulsets|sts, daemonsets|ds, services|svc, endpoints|ep, events|ev, configmaps|cm, secrets, serviceaccounts|sa, namespaces|ns, nodes|no, jobs, cronjobs|cj, persistentvolumeclaims|pvc, persistentvolumes|pv, storageclasses|sc, controllerrevisions, horizontalpodautoscalers|hpa, all')
    .argument('<type>', 'resource type(s), comma-separated, or type/name')
    .argument('[names...]', 'object names')
    .option('-o, --output <format>', 'wide | json | yaml | name')
    .option('-l, --selector <selector>', 'label selector (app=x,tier!=y)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'all namespaces')
    .option('-w, --watch', 'after listing, watch for changes')
    .option('--show-labels', 'show labels as the last column')
    .option('--no-headers', 'omit the header row')
    .action(action(async (typeArg: string, names: string[], opts: GetOptions) => {
      let types: ResourceType[];
      if (typeArg.includes('/')) {
        const [t, n] = typeArg.split('/', 2) as [string, string];
        types = [resolveType(t)];
        names = [n, ...names];
      } else {
        types = typeArg.split(',').flatMap((t) => (t === 'all' ? RESOURCE_TYPES.filter((r) => r.inAll) : [resolveType(t)]));
      }
      // kubectl orders `all` as its discovery lists the category: core, then apps, autoscaling, batch.
      if (typeArg === 'all') {
        const order = ['Pod', 'Service', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'HorizontalPodAutoscaler', 'CronJob', 'Job'];
        const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
        types = [...types].sort((a, b) => rank(a.kind) - rank(b.kind));
      }
      const multi = types.length > 1 || typeArg === 'all';
      if (opts.watch) return watchTable(types[0]!, names[0], opts);
      const output = opts.output ?? '';
      if (['json', 'yaml', 'name'].includes(output)) return printObjects(types, names, opts, output);
      if (output && output !== 'wide') throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,wide,yaml`);
      let printedAny = false;
      for (const t of types) {
        const tables = await tablesFor(t, names, opts);
        const rows = tables.flatMap((tb) => tb.rows);
        if (!rows.length) continue;
        const table: Table = { ...tables[0]!, rows };
        if (printedAny) process.stdout.write('\n');
        process.stdout.write(printTable(table, {
          wide: output === 'wide',
          noHeaders: opts.headers === false,
          kindPrefix: multi ? prefixOf(t) : undefined,
          namespaceColumn: !!opts.allNamespaces,
          showLabels: !!opts.showLabels,
        }));
        printedAny = true;
      }
      if (!printedAny && !names.length) process.stderr.write(noResourcesMessage(opts.allNamespaces ? undefined : opts.namespace) + '\n');
    }, { engine: true }));
}

export function resolveType(name: string): ResourceType {
  const t = byAnyName(name);
  if (!t) throw new CliError(`the server doesn't have a resource type "${name}"`);
  return t;
}

/** "deployment.apps" as kubectl prefixes names when several kinds are printed. */
export function prefixOf(t: ResourceType): string {
  return t.group ? `${t.singular}.${t.group}` : t.singular;
}

async function tablesFor(t: ResourceType, names: string[], opts: GetOptions): Promise<Table[]> {
  const { client } = await connection();
  const base = { namespace: opts.namespace, all: !!opts.allNamespaces, labelSelector: opts.selector };
  if (!names.length) return [await client.table(t.kind, base)];
  return Promise.all(names.map((name) => client.table(t.kind, { ...base, all: false, name })));
}

async function printObjects(types: ResourceType[], names: string[], opts: GetOptions, output: string): Promise<void> {
  const { client } = await connection();
  const items: Record<string, unknown>[] = [];
  let single: Record<string, unknown> | undefined;
  for (const t of types) {
    if (names.length) {
      for (const n of names) items.push(await client.get(t.kind, opts.namespace, n));
      if (names.length === 1 && types.length === 1) single = items[0];
    } else {
      const list = await client.list(t.kind, { namespace: opts.namespace, all: !!opts.allNamespaces, labelSelector: opts.selector });
      items.push(...list.items);
    }
  }
  if (output === 'name') {
    for (const o of items) {
      const t = types.find((x) => x.kind === o['kind'])!;
      process.stdout.write(`${prefixOf(t)}/${(o['metadata'] as { name: string }).name}\n`);
    }
    return;
  }
  const doc = single ?? { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
  // loaded only here: a table does not need the yaml package, and every module loaded is start-up time
  const { toJson, toYaml } = await import('../../printers/yaml-json.js');
  process.stdout.write(output === 'json' ? toJson(doc) : toYaml(doc));
}

/** `get -w`: the table, then one row per change, as kubectl prints them. */
async function watchTable(t: ResourceType, name: string | undefined, opts: GetOptions): Promise<void> {
  const { client } = await connection();
  const fieldSelector = name ? `metadata.name=${name}` : undefined;
  const first = await client.table(t.kind, { namespace: opts.namespace, all: !!opts.allNamespaces, labelSelector: opts.selector, fieldSelector });
  // One tabwriter for the whole stream, as kubectl keeps: columns only grow.
  const writer = newKubectlTabWriter();
  const print = (table: Table, headers: boolean) => process.stdout.write(printTable(table, {
    wide: opts.output === 'wide', noHeaders: !headers || opts.headers === false, namespaceColumn: !!opts.allNamespaces, writer,
  }));
  if (first.rows.length) print(first, true);
  let columns = first.columnDefinitions;
  let headerPrinted = first.rows.length > 0;
  const w = client.watch(t.kind, {
    namespace: opts.namespace, all: !!opts.allNamespaces, labelSelector: opts.selector, fieldSelector,
    resourceVersion: first.metadata.resourceVersion, table: true,
  }, (e) => {
    const table = e.object as unknown as Table;
    if (table.kind !== 'Table') return;
    if (table.columnDefinitions?.length) columns = table.columnDefinitions;
    print({ ...table, columnDefinitions: columns }, !headerPrinted);
    headerPrinted = true;
  });
  process.once('SIGINT', () => { w.close(); });
  await w.done;
}
