// The cluster's network agent container (src/network-agent, docs/decisions/160): its image, built offline
// from this machine's node, busybox and the agent's folder (tagged with a hash of what went in, so a
// changed agent or node makes a new image), and the container itself: on the shared network with a fixed
// address (the first of the cluster's block of the ClusterIP half), NET_ADMIN to add ClusterIPs to its
// eth0, its control port published on 127.0.0.1 in the published-ports mode. Adopted when it runs already.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { engineMessage, isNotFound, statusCodeOf } from './engine-errors.js';
import { readProgress } from './json-lines.js';
import { LABEL_CLUSTER } from './runtime.js';
import { findBusybox, nodeBusyboxRootfs, sharedLibraries } from './sample-image.js';
import { blockCount, blockIndexOf, clusterBlock, splitSubnet, type ClusterBlock } from './subnets.js';
import { tarStream, type TarEntry } from './tar-writer.js';
import { codeUnitOrder } from '../kube/code-unit-order.js';

export const AGENT_IMAGE_REPO = 'mini-kube/network-agent';
/** marks the container as the cluster's agent (not a pod's: the kubelet leaves it out of its orphans) */
export const LABEL_ROLE = 'io.mini-kube.role';
export const AGENT_ROLE = 'network-agent';
export const AGENT_CONTROL_PORT = 7946;
/**
 * The kernel data path forwards DNATed packets back out of eth0 (src/network-agent/kernel-path.js):
 * forwarding on, and redirects off, or the agent would tell pods to skip it.
 */
const AGENT_SYSCTLS = { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.send_redirects': '0', 'net.ipv4.conf.eth0.send_redirects': '0' };
const LABEL_TOKEN = 'io.mini-kube.agent-token';
/**
 * The host's iptables (legacy: no libnftnl/libmnl to carry) and the extensions the kernel data path uses
 * (src/network-agent/kernel-path.js), copied into the image with their libraries as node is. Without them
 * the agent relays in userspace only.
 */
const IPTABLES_MULTI = ['/usr/sbin/xtables-legacy-multi', '/sbin/xtables-legacy-multi', '/usr/bin/xtables-legacy-multi'];
const IPTABLES_NAMES = ['iptables-legacy', 'iptables-legacy-restore', 'iptables-legacy-save'];
const IPTABLES_EXTENSIONS = ['libxt_standard.so', 'libxt_tcp.so', 'libxt_statistic.so', 'libxt_DNAT.so', 'libxt_MASQUERADE.so', 'libxt_conntrack.so', 'libipt_DNAT.so', 'libipt_MASQUERADE.so'];
const XTABLES_DIRS = ['/usr/lib/x86_64-linux-gnu/xtables', '/usr/lib/aarch64-linux-gnu/xtables', '/usr/lib64/xtables', '/usr/lib/xtables', '/lib/xtables'];

/** [path in the image, file on the host] of iptables-legacy, its libraries and extensions; [] without it */
async function iptablesFiles(): Promise<[string, string][]> {
  const multi = IPTABLES_MULTI.find((f) => existsSync(f));
  const dir = XTABLES_DIRS.find((d) => existsSync(path.join(d, 'libxt_standard.so')));
  if (!multi || !dir) return [];
  const out: [string, string][] = [[multi, multi]];
  const extensions = IPTABLES_EXTENSIONS.map((e) => path.join(dir, e)).filter((f) => existsSync(f));
  const libs = new Set<string>();
  for (const f of [multi, ...extensions]) for (const lib of await sharedLibraries(f)) libs.add(lib);
  for (const f of [...extensions, ...libs]) out.push([f, await realpath(f)]);
  return out;
}

/** the npm packages the agent may import, copied into the image's node_modules */
const AGENT_PACKAGES = ['dns-packet', '@leichtgewicht/ip-codec'];

export interface NetworkAgent {
  id: string;
  /** its own address on the shared network (the first of its block) */
  ip: string;
  block: ClusterBlock;
  /** where the control plane reaches its control port: the IP, or 127.0.0.1 and the published port */
  controlHost: string;
  controlPort: number;
  token: string;
}

export interface NetworkAgentOptions {
  clusterId: string;
  network: string;
  publishPorts: boolean;
  /** the block this cluster had before (from the home), tried first */
  preferredBlock?: number;
  log?: (line: string) => void;
}

/** src/network-agent, found from this file whether it runs from src/ or dist/src/ */
export function findAgentDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'src', 'network-agent');
    if (existsSync(path.join(candidate, 'agent.js'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('src/network-agent/agent.js not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

async function filesUnder(dir: string, prefix: string): Promise<{ name: string; source: string }[]> {
  const out: { name: string; source: string }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const source = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...await filesUnder(source, `${prefix}/${e.name}`));
    else if (e.isFile()) out.push({ name: `${prefix}/${e.name}`, source });
  }
  return out.sort((a, b) => codeUnitOrder(a.name, b.name));
}

/** node_modules/<pkg> in the nearest folder above `from` that has it (node's own lookup) */
function packageDir(from: string, pkg: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', pkg);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`the network agent needs the package ${pkg}: not found above ${from}`);
  }
}

type AgentFile = { name: string; source: string; content?: undefined } | { name: string; content: Buffer; source?: undefined };

/**
 * The cluster DNS server (src/dns) as it goes into /agent/dns: the compiled .js next to this module when it
 * runs from dist/, else (tests run the sources) its .ts files transpiled here with TypeScript, which is
 * there whenever the sources are. Type-only imports vanish, so the files need only dns-packet.
 */
async function dnsFiles(): Promise<AgentFile[]> {
  const here = fileURLToPath(import.meta.url);
  const dnsDir = path.join(path.dirname(here), '..', 'dns');
  const names = (await readdir(dnsDir)).sort();
  if (!here.endsWith('.ts')) { // dist/src/runtime/*.js, or a chunk of the CLI's bundle (dist/src/cli-bundle/*.cjs)
    return names.filter((n) => n.endsWith('.js')).map((n) => ({ name: `/agent/dns/${n}`, source: path.join(dnsDir, n) }));
  }
  const ts = (await import('typescript')).default;
  const out: AgentFile[] = [];
  for (const n of names.filter((x) => x.endsWith('.ts') && !x.endsWith('.d.ts'))) {
    const js = ts.transpileModule(await readFile(path.join(dnsDir, n), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    out.push({ name: `/agent/dns/${n.replace(/\.ts$/, '.js')}`, content: Buffer.from(js) });
  }
  return out;
}

/**
 * The agent's files, found and (from the sources) transpiled once per process: every cluster start asks
 * for the image tag, and the files do not change while a process runs.
 */
let agentFilesOnce: Promise<AgentFile[]> | undefined;
function agentFiles(): Promise<AgentFile[]> {
  agentFilesOnce ??= collectAgentFiles();
  agentFilesOnce.catch(() => { agentFilesOnce = undefined; }); // a failure is tried again next time
  return agentFilesOnce;
}

/** The agent's own files, the DNS server and its packages, as they go into /agent. */
async function collectAgentFiles(): Promise<AgentFile[]> {
  const agentDir = findAgentDir();
  const files: AgentFile[] = (await filesUnder(agentDir, '/agent')).filter((f) => f.name.endsWith('.js'));
  files.push(...await dnsFiles());
  for (const pkg of AGENT_PACKAGES) {
    const dir = packageDir(agentDir, pkg);
    files.push(...(await filesUnder(dir, `/agent/node_modules/${pkg}`)).filter((f) => !/\.(md|ts)$/.test(f.name)));
  }
  // the folder is ESM (.js with import): a package.json says so inside the image
  return files;
}

const contentOf = (f: AgentFile): Promise<Buffer> => (f.content ? Promise.resolve(f.content) : readFile(f.source));

/** mini-kube/network-agent:<hash of node, busybox and the agent's files> */
export async function agentImageTag(): Promise<string> {
  const hash = createHash('sha256');
  const node = await realpath(process.execPath);
  const busybox = await findBusybox();
  for (const f of [node, busybox]) hash.update(`${f} ${(await stat(f)).size} ${process.version}\n`);
  for (const [name, source] of await iptablesFiles()) hash.update(`${name} ${(await stat(source)).size}\n`);
  for (const f of await agentFiles()) hash.update(f.name).update(await contentOf(f));
  return `${AGENT_IMAGE_REPO}:${hash.digest('hex').slice(0, 16)}`;
}

const building = new Map<string, Promise<string>>();

export function ensureAgentImage(docker: Docker, log: (line: string) => void = () => {}): Promise<string> {
  const run = async (): Promise<string> => {
    const tag = await agentImageTag();
    let pending = building.get(tag);
    if (!pending) {
      pending = buildAgentImage(docker, tag, log);
      building.set(tag, pending);
      pending.then(() => building.delete(tag), () => building.delete(tag));
    }
    return pending;
  };
  return run();
}

async function buildAgentImage(docker: Docker, tag: string, log: (line: string) => void): Promise<string> {
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const started = performance.now();
  const entries: TarEntry[] = await nodeBusyboxRootfs(await realpath(process.execPath), await findBusybox());
  const have = new Set(entries.map((e) => e.name));
  /** directories to add (those the rootfs has already are skipped) */
  const dirs = new Set<string>();
  const iptables = await iptablesFiles();
  for (const [name, source] of iptables) {
    if (have.has(name)) continue; // a library node or busybox brought already
    for (let d = path.posix.dirname(name); d !== '/' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
    entries.push({ type: 'file', name, sourcePath: source, size: (await stat(source)).size, mode: 0o755 });
  }
  if (iptables.length) {
    for (const n of IPTABLES_NAMES) entries.push({ type: 'symlink', name: `/usr/sbin/${n}`, target: iptables[0]![0] });
    dirs.add('/usr/sbin');
  }
  dirs.add('/run'); // iptables' lock file
  for (const f of await agentFiles()) {
    for (let d = path.posix.dirname(f.name); d !== '/' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
    if (f.content) entries.push({ type: 'file', name: f.name, content: f.content, mode: 0o644 });
    else entries.push({ type: 'file', name: f.name, sourcePath: f.source, size: (await stat(f.source)).size, mode: 0o644 });
  }
  for (const d of [...dirs].sort((a, b) => a.length - b.length)) if (!have.has(d)) entries.push({ type: 'directory', name: d, mode: 0o755 });
  // directories before the files in them
  entries.sort((a, b) => Number(b.type === 'directory' && a.type !== 'directory') - Number(a.type === 'directory' && b.type !== 'directory'));
  entries.push({ type: 'file', name: '/agent/package.json', content: Buffer.from('{"type":"module","private":true}\n') });
  const [repo, version] = [tag.slice(0, tag.lastIndexOf(':')), tag.slice(tag.lastIndexOf(':') + 1)];
  const stream = await docker.importImage(tarStream(entries), {
    repo, tag: version,
    changes: [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'WORKDIR /agent',
      `LABEL ${LABEL_ROLE}=${AGENT_ROLE}`,
      'CMD ["node", "/agent/agent.js"]',
    ],
    abortSignal: AbortSignal.timeout(120_000),
  });
  const outcome = await readProgress(stream);
  if (outcome.error !== undefined) throw new Error(`importing ${tag}: ${outcome.error}`);
  log(`network agent: built ${tag} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return tag;
}

export function agentContainerName(clusterId: string): string {
  return `mini-kube-agent-${clusterId}`;
}

/** The services half of the shared network's subnet. */
async function servicesRange(docker: Docker, network: string): Promise<string> {
  const info = await docker.getNetwork(network).inspect() as Docker.NetworkInspectInfo;
  const subnet = info.IPAM?.Config?.find((c) => c.Subnet && !c.Subnet.includes(':'))?.Subnet;
  const halves = subnet ? splitSubnet(subnet) : undefined;
  if (!halves) throw new Error(`docker network ${network} has no IPv4 subnet mini-kube can split (${subnet ?? 'none'})`);
  return halves.services;
}

async function describe(docker: Docker, id: string, network: string, servicesCidr: string): Promise<NetworkAgent | undefined> {
  const info = await docker.getContainer(id).inspect();
  if (!info.State?.Running) return undefined;
  const ip = info.NetworkSettings?.Networks?.[network]?.IPAddress ?? '';
  const index = blockIndexOf(servicesCidr, ip);
  const block = index === undefined ? undefined : clusterBlock(servicesCidr, index);
  if (!block || block.agentIP !== ip) return undefined;
  const token = info.Config?.Labels?.[LABEL_TOKEN] ?? '';
  const published = info.NetworkSettings?.Ports?.[`${AGENT_CONTROL_PORT}/tcp`]?.[0]?.HostPort;
  const publishedMode = info.HostConfig?.PortBindings?.[`${AGENT_CONTROL_PORT}/tcp`] !== undefined;
  if (publishedMode && !published) return undefined;
  return {
    id: info.Id, ip, block, token,
    controlHost: publishedMode ? '127.0.0.1' : ip,
    controlPort: publishedMode ? Number(published) : AGENT_CONTROL_PORT,
  };
}

/**
 * The cluster's agent: the running one (adopted after a control-plane restart) when it matches the image
 * and the mode, else a new one on the first free block (preferredBlock first). Two clusters claiming one
 * block: the engine gives the address to one, the other's create fails and it tries the next block.
 */
export async function ensureNetworkAgent(docker: Docker, opts: NetworkAgentOptions): Promise<NetworkAgent> {
  const log = opts.log ?? (() => {});
  const image = await ensureAgentImage(docker, log);
  const servicesCidr = await servicesRange(docker, opts.network);
  const name = agentContainerName(opts.clusterId);
  const existing = await docker.listContainers({ all: true, filters: { label: [`${LABEL_CLUSTER}=${opts.clusterId}`, `${LABEL_ROLE}=${AGENT_ROLE}`] } });
  let keepBlock = opts.preferredBlock;
  for (const c of existing) {
    const current = c.Image === image ? await describe(docker, c.Id, opts.network, servicesCidr).catch(() => undefined) : undefined;
    const publishedNow = !!c.Ports?.some((p) => p.PrivatePort === AGENT_CONTROL_PORT && p.PublicPort);
    if (current && publishedNow === opts.publishPorts) {
      log(`network agent: adopted ${name} at ${current.ip}`);
      return current;
    }
    // an old image or another mode: replaced, keeping its block
    const ip = Object.values(c.NetworkSettings?.Networks ?? {})[0]?.IPAddress;
    keepBlock = (ip ? blockIndexOf(servicesCidr, ip) : undefined) ?? keepBlock;
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  const count = blockCount(servicesCidr);
  const order = [...(keepBlock !== undefined && keepBlock < count ? [keepBlock] : []), ...Array.from({ length: count }, (_, i) => i)];
  const tried = new Set<number>();
  const token = randomBytes(24).toString('hex');
  // An engine that refuses the sysctls (an old or locked-down one) still gets an agent: on the relay only
  // (kernel-path.js finds forwarding off and says so in its log).
  let sysctls = true;
  for (const index of order) {
    if (tried.has(index)) continue;
    tried.add(index);
    const block = clusterBlock(servicesCidr, index)!;
    let id: string;
    try {
      const created = await docker.createContainer({
        name, Image: image,
        Env: [`MINI_KUBE_AGENT_TOKEN=${token}`, `MINI_KUBE_AGENT_PORT=${AGENT_CONTROL_PORT}`],
        Labels: { [LABEL_CLUSTER]: opts.clusterId, [LABEL_ROLE]: AGENT_ROLE, [LABEL_TOKEN]: token },
        ExposedPorts: { [`${AGENT_CONTROL_PORT}/tcp`]: {} },
        HostConfig: {
          CapAdd: ['NET_ADMIN'],
          // kube-proxy and CoreDNS are system daemons: on a busy machine the agent's readiness updates
          // (an iptables-restore each), relay and DNS get 4x a container's CPU weight (only under contention)
          CpuShares: 4096,
          ...(sysctls ? { Sysctls: AGENT_SYSCTLS } : {}),
          NetworkMode: opts.network,
          RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
          ...(opts.publishPorts ? { PortBindings: { [`${AGENT_CONTROL_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] } } : {}),
          LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
        },
        NetworkingConfig: { EndpointsConfig: { [opts.network]: { IPAMConfig: { IPv4Address: block.agentIP } } } },
      } as Docker.ContainerCreateOptions);
      id = created.id;
    } catch (err) {
      if (statusCodeOf(err) === 409 && /name/i.test(engineMessage(err))) {
        // another control plane of this cluster made it a moment ago: remove and retry this block
        await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
        tried.delete(index);
        continue;
      }
      if (sysctls && /sysctl/i.test(engineMessage(err))) {
        log(`network agent: the engine refuses its sysctls (${engineMessage(err)}): relaying in userspace only`);
        sysctls = false;
        tried.delete(index);
        continue;
      }
      throw new Error(`creating the network agent: ${engineMessage(err)}`, { cause: err });
    }
    try {
      await docker.getContainer(id).start();
    } catch (err) {
      await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
      // the address is another cluster's agent's (or a pod's on an old network): next block
      if (/address already in use|Address already in use|in use/i.test(engineMessage(err))) continue;
      if (sysctls && /sysctl/i.test(engineMessage(err))) {
        log(`network agent: the engine refuses its sysctls (${engineMessage(err)}): relaying in userspace only`);
        sysctls = false;
        tried.delete(index);
        continue;
      }
      throw new Error(`starting the network agent: ${engineMessage(err)}`, { cause: err });
    }
    const agent = await describe(docker, id, opts.network, servicesCidr);
    if (!agent) throw new Error('the network agent stopped right after its start (see `docker logs ' + name + '`)');
    log(`network agent: ${name} at ${agent.ip} (ClusterIPs ${block.first}-${block.last})`);
    return agent;
  }
  throw new Error(`no free block of ClusterIPs in ${servicesCidr}: ${count} clusters hold one each`);
}
