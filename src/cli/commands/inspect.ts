// `describe`, `logs` and `scale`: reading one object in depth, its container output, and changing
// a Deployment's replica count through the /scale subresource as kubectl does.
import type { Command } from 'commander';
import type {
  ConfigMap, CronJob, DaemonSet, Deployment, Endpoints, Event, Job, Lease, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, PodDisruptionBudget, ReplicaSet, Secret, Service,
  StatefulSet, StorageClass,
} from '../../kube/types.js';
import { describePersistentVolume, describePersistentVolumeClaim, describeStatefulSet, describeStorageClass } from '../../printers/describe-storage.js';
import { describePodDisruptionBudget } from '../../printers/describe-policy.js';
import { describeDeployment, describePod, describeReplicaSet, describeService } from '../../printers/describe.js';
import { describeCronJob, describeDaemonSet, describeJob } from '../../printers/describe-workloads.js';
import { describeHorizontalPodAutoscaler } from '../../printers/hpa.js';
import type { HorizontalPodAutoscaler } from '../../kube/types.js';
import { describeConfigMap, describeNamespace, describeSecret } from '../../printers/describe-config.js';
import type { ApiClient } from '../../client/api-client.js';
import { openLogs } from '../../client/logs.js';
import { eventsFor, podsOf, sortEvents } from '../../client/objects.js';
import { describeNode, nodePodsFieldSelector } from '../../printers/describe-node.js';
import { formatSelector } from '../../kube/labels.js';
import { action, CliError, connection } from '../context.js';
import { prefixOf, resolveType } from './get.js';

export function registerInspect(program: Command): void {
  program.command('describe')
    .description('show details and events: describe pod|deploy|rs|sts|ds|svc|cm|secret|ns|node|job|cj|pvc|pv|sc [NAME...]')
    .argument('<type>', 'pod|deploy|rs|svc, or type/name')
    .argument('[names...]', 'object names (all of the type when none)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-l, --selector <selector>', 'label selector')
    .action(action(async (typeArg: string, names: string[], opts: { namespace: string; selector?: string }) => {
      if (typeArg.includes('/')) {
        const [k, n] = typeArg.split('/', 2) as [string, string];
        typeArg = k;
        names = [n, ...names];
      }
      const t = resolveType(typeArg);
      const { client } = await connection();
      if (!names.length) {
        const list = await client.list(t.kind, { namespace: opts.namespace, labelSelector: opts.selector });
        names = list.items.map((o) => o.metadata.name);
        if (!names.length) process.stderr.write(t.namespaced ? `No resources found in ${opts.namespace} namespace.\n` : 'No resources found\n');
      }
      const parts: string[] = [];
      for (const name of names) parts.push(await describeOne(client, t.kind, opts.namespace, name));
      process.stdout.write(parts.join('\n\n') + (parts.length ? '\n' : ''));
    }, { engine: true }));

  program.command('logs')
    .description('print the logs of a pod\'s container')
    .argument('<pod>', 'pod name (or deploy/NAME for one of its pods)')
    .option('-c, --container <name>', 'container name')
    .option('-f, --follow', 'stream new output')
    .option('-p, --previous', 'the previous instance of the container (before its last restart)')
    .option('--tail <lines>', 'last N lines')
    .option('--timestamps', 'prefix each line with its timestamp')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(action(async (podArg: string, opts: { container?: string; follow?: boolean; previous?: boolean; tail?: string; timestamps?: boolean; namespace: string }) => {
      const { client } = await connection();
      const pod = await resolvePod(client, podArg, opts.namespace);
      const res = await openLogs(client, opts.namespace, pod, {
        container: opts.container, follow: opts.follow, previous: opts.previous,
        tailLines: opts.tail !== undefined ? Number(opts.tail) : undefined, timestamps: opts.timestamps,
      });
      process.once('SIGINT', () => res.destroy());
      for await (const chunk of res) process.stdout.write(chunk as Buffer);
    }, { engine: true }));

  program.command('scale')
    .description('set the number of replicas: scale deployment|rs|sts NAME --replicas N')
    .argument('<type>', 'deployment|deploy|rs|statefulset|sts, or type/name')
    .argument('[name]', 'name')
    .requiredOption('--replicas <n>', 'the new number of replicas')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(action(async (typeArg: string, name: string | undefined, opts: { replicas: string; namespace: string }) => {
      if (typeArg.includes('/')) [typeArg, name] = typeArg.split('/', 2) as [string, string];
      const t = resolveType(typeArg);
      if (t.kind !== 'Deployment' && t.kind !== 'ReplicaSet' && t.kind !== 'StatefulSet') throw new CliError(`cannot scale ${t.resource}: only deployments, replicasets and statefulsets scale`);
      if (!name) throw new CliError('a name is required: scale deployment NAME --replicas N');
      const replicas = Number(opts.replicas);
      if (!Number.isInteger(replicas) || replicas < 0) throw new CliError(`--replicas must be a whole number >= 0, not "${opts.replicas}"`);
      const { client } = await connection();
      await client.patch(t.kind, opts.namespace, name, { spec: { replicas } }, 'application/merge-patch+json', 'scale');
      process.stdout.write(`${prefixOf(t)}/${name} scaled\n`);
    }));
}

/** `logs deploy/x` picks one of the Deployment's pods, as kubectl does. */
async function resolvePod(client: ApiClient, arg: string, namespace: string): Promise<string> {
  if (!arg.includes('/')) return arg;
  const [k, n] = arg.split('/', 2) as [string, string];
  const t = resolveType(k);
  if (t.kind === 'Pod') return n;
  const pods = await podsOf(client, t.kind, namespace, n, { terminating: true });
  if (!pods.length) throw new CliError(`no pods found for ${arg}`);
  if (pods.length > 1) process.stderr.write(`Found ${pods.length} pods, using pod/${pods[0]!.metadata.name}\n`);
  return pods[0]!.metadata.name;
}

async function describeOne(client: ApiClient, kind: string, namespace: string, name: string): Promise<string> {
  const now = new Date();
  switch (kind) {
    case 'Pod': {
      const pod = await client.get<Pod>('Pod', namespace, name);
      return describePod(pod, await eventsFor(client, pod), now);
    }
    case 'Deployment': {
      const d = await client.get<Deployment>('Deployment', namespace, name);
      const rs = await client.list<ReplicaSet>('ReplicaSet', { namespace, labelSelector: formatSelector(d.spec?.selector) });
      return describeDeployment(d, rs.items, await eventsFor(client, d, { withKind: true }), now);
    }
    case 'ReplicaSet': {
      const rs = await client.get<ReplicaSet>('ReplicaSet', namespace, name);
      const pods = await client.list<Pod>('Pod', { namespace, labelSelector: formatSelector(rs.spec?.selector) });
      return describeReplicaSet(rs, pods.items, await eventsFor(client, rs, { withKind: true }), now);
    }
    case 'Service': {
      const svc = await client.get<Service>('Service', namespace, name);
      const ep = await client.tryGet<Endpoints>('Endpoints', namespace, name);
      return describeService(svc, ep, await eventsFor(client, svc, { withKind: true }), now);
    }
    case 'PodDisruptionBudget': {
      const pdb = await client.get<PodDisruptionBudget>('PodDisruptionBudget', namespace, name);
      // the page ends with its Events line; the caller adds the final newline
      return describePodDisruptionBudget(pdb, await eventsFor(client, pdb), now).replace(/\n$/, '');
    }
    case 'ConfigMap': {
      const cm = await client.get<ConfigMap>('ConfigMap', namespace, name);
      return describeConfigMap(cm, await eventsFor(client, cm), now);
    }
    case 'Secret':
      return describeSecret(await client.get<Secret>('Secret', namespace, name));
    case 'Namespace':
      return describeNamespace(await client.get<Namespace>('Namespace', undefined, name));
    case 'Node': {
      const node = await client.get<Node>('Node', undefined, name);
      const pods = await client.list<Pod>('Pod', { all: true, fieldSelector: nodePodsFieldSelector(name) });
      const events = await client.list<Event>('Event', { all: true, fieldSelector: `involvedObject.kind=Node,involvedObject.name=${name}` });
      // the page ends with its Events line; the caller adds the final newline
      const lease = await client.get<Lease>('Lease', 'kube-node-lease', name).catch((err: Error) => ({ error: err.message }));
      return describeNode(node, pods.items, sortEvents(events.items), now, lease).replace(/\n$/, '');
    }
    case 'Job': {
      const job = await client.get<Job>('Job', namespace, name);
      return describeJob(job, await eventsFor(client, job), now).replace(/\n$/, '');
    }
    case 'CronJob': {
      const cj = await client.get<CronJob>('CronJob', namespace, name);
      return describeCronJob(cj, await eventsFor(client, cj), now).replace(/\n$/, '');
    }
    case 'DaemonSet': {
      const ds = await client.get<DaemonSet>('DaemonSet', namespace, name);
      const pods = await client.list<Pod>('Pod', { namespace, labelSelector: formatSelector(ds.spec?.selector) });
      return describeDaemonSet(ds, pods.items, await eventsFor(client, ds), now).replace(/\n$/, '');
    }
    case 'StatefulSet': {
      const sts = await client.get<StatefulSet>('StatefulSet', namespace, name);
      const pods = await client.list<Pod>('Pod', { namespace, labelSelector: formatSelector(sts.spec?.selector) });
      return describeStatefulSet(sts, pods.items, await eventsFor(client, sts, { withKind: true }), now);
    }
    case 'PersistentVolumeClaim': {
      const pvc = await client.get<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name);
      const pods = (await client.list<Pod>('Pod', { namespace })).items.filter((p) => p.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === name));
      return describePersistentVolumeClaim(pvc, pods, await eventsFor(client, pvc), now);
    }
    case 'PersistentVolume': {
      const pv = await client.get<PersistentVolume>('PersistentVolume', undefined, name);
      const events = await client.list<Event>('Event', { all: true, fieldSelector: `involvedObject.kind=PersistentVolume,involvedObject.name=${name}` });
      return describePersistentVolume(pv, sortEvents(events.items), now);
    }
    case 'StorageClass': {
      const sc = await client.get<StorageClass>('StorageClass', undefined, name);
      const events = await client.list<Event>('Event', { all: true, fieldSelector: `involvedObject.kind=StorageClass,involvedObject.name=${name}` });
      return describeStorageClass(sc, sortEvents(events.items), now);
    }
    case 'HorizontalPodAutoscaler': {
      const hpa = await client.get<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', namespace, name);
      return describeHorizontalPodAutoscaler(hpa, await eventsFor(client, hpa, { withKind: true }), now).replace(/\n$/, '');
    }
    default:
      throw new CliError(`describe supports pods, deployments, replicasets, statefulsets, daemonsets, services, configmaps, secrets, namespaces, nodes, jobs, cronjobs, persistentvolumeclaims, persistentvolumes, storageclasses, horizontalpodautoscalers and poddisruptionbudgets, not ${kind}`);
  }
}
