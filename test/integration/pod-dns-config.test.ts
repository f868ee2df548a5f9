// A pod's resolv.conf and /etc/hosts on the real engine, as the kubelet writes them (issue #15 point 2):
// per dnsPolicy (ClusterFirst with and without the kubelet's clusterDNS, ClusterFirstWithHostNet, Default,
// None) merged with dnsConfig; hostname + subdomain as the FQDN in /etc/hosts, setHostnameAsFQDN, and
// hostAliases; every container of the pod sees the same files. Through the CLI and kubectl 1.32. Name
// resolution through the cluster DNS server is tested where the server runs (test/unit/dns).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { cli, testCluster, until } from './harness.js';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const IMAGE = 'ondalk8s/healthcheck:v1';
const HEADER = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

function pod(name: string, spec: Record<string, unknown> = {}, containers = ['app']): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 1, ...spec,
      containers: containers.map((c) => ({ name: c, image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'sleep 3600'] })),
    },
  } as Pod;
}

/** The node's nameservers as a pod can use them (the loopback ones dropped). */
function hostNameservers(): string[] {
  const listed = readFileSync('/etc/resolv.conf', 'utf8').split('\n').map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((x): x is string => !!x);
  const usable = listed.filter((ns) => !ns.startsWith('127.') && ns !== '::1');
  return usable.length ? usable : ['8.8.8.8', '8.8.4.4'];
}

async function running(cluster: Cluster, name: string, namespace = 'default'): Promise<Pod> {
  return until(`${name} running`, async () => {
    const p = await cluster.get<Pod>('Pod', name, namespace).catch(() => undefined);
    return p?.status?.containerStatuses?.every((s) => s.state?.running) && p.status.podIP ? p : undefined;
  }, 90_000);
}

async function execOut(cluster: Cluster, name: string, cmd: string[], container?: string): Promise<string> {
  const r = await cli(cluster, ['exec', name, ...(container ? ['-c', container] : []), '--', ...cmd]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

describe("a pod's resolv.conf and hosts file, without a cluster DNS server (the kubelet's fallback)", () => {
  let k: KubectlEnv;
  let cluster: Cluster;
  beforeAll(async () => {
    // an explicit empty clusterDNS: a kubelet without --cluster-dns (the network agent's address is not used)
    k = await kubectlEnv(KUBECTL, { clusterDNS: [] });
    cluster = k.cluster;
  }, 180_000);
  afterAll(async () => {
    await k?.stop();
  });

  it('ClusterFirst falls back to the node resolv.conf, with the MissingClusterDNS event', async () => {
    await cluster.apply(pod('fallback'));
    await running(cluster, 'fallback');
    const conf = await execOut(cluster, 'fallback', ['cat', '/etc/resolv.conf']);
    expect(conf.split('\n').filter((l) => l.startsWith('nameserver '))).toEqual(hostNameservers().map((ns) => `nameserver ${ns}`));
    expect(conf).not.toContain('ndots:5');
    expect(conf).not.toContain('127.0.0.11');
    const events = await k.run(['get', 'events', '--field-selector', 'involvedObject.name=fallback', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    expect(events.stdout).toMatch(/^MissingClusterDNS: pod: "fallback_default\([0-9a-f-]+\)"\. kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy\. Falling back to "Default" policy\.$/m);
  });

  it('None: only dnsConfig, the same file in every container of the pod', async () => {
    await cluster.apply(pod('none', {
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['192.0.2.53', '192.0.2.54'], searches: ['corp.example', 'lab.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    }, ['app', 'sidecar']));
    await running(cluster, 'none');
    const want = 'search corp.example lab.example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\noptions ndots:2 edns0\n';
    expect(await execOut(cluster, 'none', ['cat', '/etc/resolv.conf'], 'app')).toBe(want);
    expect(await execOut(cluster, 'none', ['cat', '/etc/resolv.conf'], 'sidecar')).toBe(want);
  });

  it('hostname + subdomain: the FQDN in /etc/hosts, setHostnameAsFQDN, hostAliases; in every container', async () => {
    await cluster.apply(pod('fqdn', {
      hostname: 'db-0', subdomain: 'dbs', setHostnameAsFQDN: true,
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', hostnames: ['foo.remote'] }],
    }, ['app', 'sidecar']));
    const p = await running(cluster, 'fqdn');
    const want = `${HEADER}${p.status!.podIP}\tdb-0.dbs.default.svc.cluster.local\tdb-0\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\n`;
    expect(await execOut(cluster, 'fqdn', ['cat', '/etc/hosts'], 'app')).toBe(want);
    expect(await execOut(cluster, 'fqdn', ['cat', '/etc/hosts'], 'sidecar')).toBe(want);
    expect(await execOut(cluster, 'fqdn', ['hostname'], 'sidecar')).toBe('db-0.dbs.default.svc.cluster.local\n');
    // the resolver reads hostAliases from the file
    expect(await execOut(cluster, 'fqdn', ['ping', '-c', '1', '-W', '1', 'foo.local'], 'app')).toContain('127.0.0.1');
  });

  it('without a subdomain: the pod IP and its name; a restarted container finds the files again', async () => {
    await cluster.apply(pod('plain'));
    const p = await running(cluster, 'plain');
    expect(await execOut(cluster, 'plain', ['cat', '/etc/hosts'])).toBe(`${HEADER}${p.status!.podIP}\tplain\n`);
    await execOut(cluster, 'plain', ['sh', '-c', 'kill 1']);
    await until('plain restarted', async () => {
      const q = await cluster.get<Pod>('Pod', 'plain');
      const s = q?.status?.containerStatuses?.[0];
      return s && s.restartCount > 0 && s.state?.running ? q : undefined;
    }, 60_000);
    expect(await execOut(cluster, 'plain', ['cat', '/etc/hosts'])).toBe(`${HEADER}${p.status!.podIP}\tplain\n`);
  });

  it('kubectl 1.32: Default with dnsConfig appended, and the apiserver refusing None without dnsConfig', async () => {
    const yaml = [
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: dflt}', 'spec:', '  dnsPolicy: Default', '  terminationGracePeriodSeconds: 1',
      '  dnsConfig: {searches: [extra.example], options: [{name: ndots, value: "3"}]}',
      `  containers: [{name: app, image: "${IMAGE}", imagePullPolicy: IfNotPresent, command: [sh, -c, sleep 3600]}]`, '',
    ].join('\n');
    const applied = await k.run(['apply', '-f', '-'], { input: yaml });
    expect(applied.stderr).toBe('');
    await running(cluster, 'dflt');
    const conf = await k.run(['exec', 'dflt', '--', 'cat', '/etc/resolv.conf']);
    expect(conf.stdout).toMatch(/^search (.* )?extra\.example\n/);
    expect(conf.stdout.split('\n').filter((l) => l.startsWith('nameserver '))).toEqual(hostNameservers().map((ns) => `nameserver ${ns}`));
    expect(conf.stdout).toMatch(/\noptions (.* )?ndots:3\n$/);
    const refused = await k.run(['apply', '-f', '-'], { input: yaml.replace('dnsPolicy: Default', 'dnsPolicy: None').replace('name: dflt', 'name: nodns').replace(/ {2}dnsConfig.*\n/, '') });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None');
  });
});

describe("a pod's resolv.conf with the kubelet's clusterDNS set", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster({ clusterDNS: ['10.96.0.10'] });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('ClusterFirst (and ClusterFirstWithHostNet): the cluster DNS, the search path of the namespace, ndots:5', async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as never);
    await cluster.apply({ ...pod('cf'), metadata: { name: 'cf', namespace: 'shop' } });
    await cluster.apply(pod('cfhn', { dnsPolicy: 'ClusterFirstWithHostNet', dnsConfig: { nameservers: ['192.0.2.53'] } }));
    await running(cluster, 'cfhn');
    await running(cluster, 'cf', 'shop');
    const hostSearch = /^search\s+(.*)$/m.exec(readFileSync('/etc/resolv.conf', 'utf8'))?.[1]?.trim().split(/\s+/).map((s) => s.replace(/\.$/, '')) ?? [];
    const search = (ns: string) => ['search', `${ns}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local', ...hostSearch].join(' ');
    const r = await cli(cluster, ['exec', 'cf', '-n', 'shop', '--', 'cat', '/etc/resolv.conf']);
    expect(r.stdout).toBe(`${search('shop')}\nnameserver 10.96.0.10\noptions ndots:5\n`);
    expect(await execOut(cluster, 'cfhn', ['cat', '/etc/resolv.conf'])).toBe(`${search('default')}\nnameserver 10.96.0.10\nnameserver 192.0.2.53\noptions ndots:5\n`);
  });
});
