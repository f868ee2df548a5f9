// The ClusterIPs of this cluster: addresses of its block of the shared network's upper half (docs/decisions
// 160), known once the network agent holds the block. Until then a Service being created waits for it (at
// most BLOCK_WAIT_MS, then it gets a display-only 10.96 address, reassigned as soon as the block is known).
// Services with an address outside the block (10.96.x from before, or a block lost to another cluster) are
// given a new one when the block becomes known, and the `kubernetes` Service exists in `default` with the
// block's first Service address, port 443, and the API as its endpoint.
import type { Endpoints, Service } from '../../kube/types.js';
import type { Store } from '../../store/store.js';
import { inBlock, nextBlockAddress, type ClusterBlock } from '../../runtime/subnets.js';
import { KUBERNETES_SERVICE, isKubernetesService } from './agent-services.js';

const BLOCK_WAIT_MS = 15_000;

export class ClusterIPs {
  private current: ClusterBlock | undefined;
  /** no agent for now (a runtime without one, or it failed to start): Services do not wait for a block */
  private unavailable = false;
  private readonly waiters = new Set<(b: ClusterBlock) => void>();

  constructor(private readonly store: Store, private readonly log: (line: string) => void = () => {}) {}

  get block(): ClusterBlock | undefined {
    return this.current;
  }

  /** The block, once known (undefined after waitMs). */
  whenKnown(waitMs = BLOCK_WAIT_MS): Promise<ClusterBlock | undefined> {
    if (this.current) return Promise.resolve(this.current);
    if (this.unavailable) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const done = (b: ClusterBlock | undefined): void => { clearTimeout(timer); this.waiters.delete(done); resolve(b); };
      const timer = setTimeout(() => done(undefined), waitMs);
      timer.unref?.();
      this.waiters.add(done);
    });
  }

  /** No block to wait for (until setBlock): new Services get a display-only address, moved in later. */
  markUnavailable(): void {
    this.unavailable = true;
    for (const w of [...this.waiters]) w(undefined as unknown as ClusterBlock);
  }

  /** The agent holds `block`: Services outside it are moved in, the kubernetes Service made. */
  setBlock(block: ClusterBlock, apiPort: number): void {
    this.current = block;
    this.unavailable = false;
    for (const w of [...this.waiters]) w(block);
    this.ensureKubernetesService(block, apiPort);
    this.reassign(block);
  }

  /** the address the kubernetes Service has in a block */
  static kubernetesIP(block: ClusterBlock): string {
    return block.first;
  }

  /** A free address of the block for a new Service (the kubernetes Service's is never handed out). */
  next(block: ClusterBlock, extraTaken: Iterable<string> = []): string {
    const taken = new Set<string>([ClusterIPs.kubernetesIP(block), ...extraTaken]);
    for (const s of this.store.list<Service>('Service')) if (s.spec?.clusterIP) taken.add(s.spec.clusterIP);
    const ip = nextBlockAddress(block, taken);
    if (!ip) throw new Error(`the cluster's ClusterIP block ${block.first}-${block.last} is full`);
    return ip;
  }

  private reassign(block: ClusterBlock): void {
    const seen = new Set<string>();
    for (const s of this.store.list<Service>('Service')) {
      const ip = s.spec?.clusterIP;
      if (!ip || ip === 'None' || s.spec?.type === 'ExternalName' || isKubernetesService(s)) continue;
      if (inBlock(block, ip) && ip !== block.agentIP && ip !== ClusterIPs.kubernetesIP(block) && !seen.has(ip)) { seen.add(ip); continue; }
      const fresh = this.next(block, seen);
      seen.add(fresh);
      this.store.mutate<Service>('Service', s.metadata.namespace, s.metadata.name, (o) => {
        o.spec!.clusterIP = fresh;
        o.spec!.clusterIPs = [fresh];
      });
      this.log(`service ${s.metadata.namespace}/${s.metadata.name}: ClusterIP ${ip} -> ${fresh} (addresses are now served in this cluster's block, docs/services.md)`);
    }
  }

  private ensureKubernetesService(block: ClusterBlock, apiPort: number): void {
    const { namespace, name } = KUBERNETES_SERVICE;
    const ip = ClusterIPs.kubernetesIP(block);
    const spec = {
      type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], sessionAffinity: 'None',
      ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    };
    const existing = this.store.get<Service>('Service', namespace, name);
    if (!existing) {
      this.store.create<Service>({
        apiVersion: 'v1', kind: 'Service',
        metadata: { name, namespace, labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec,
      } as Service);
    } else if (existing.spec?.clusterIP !== ip || existing.spec?.selector) {
      this.store.mutate<Service>('Service', namespace, name, (o) => { o.spec = { ...o.spec, ...spec, selector: undefined } as Service['spec']; });
    }
    // The endpoint is the API as the host's loopback serves it; pods reach it through the agent's tunnel.
    const subsets = [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: apiPort, protocol: 'TCP' }] }];
    const ep = this.store.get<Endpoints>('Endpoints', namespace, name);
    if (!ep) this.store.create<Endpoints>({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets } as Endpoints);
    else if (JSON.stringify(ep.subsets) !== JSON.stringify(subsets)) this.store.mutate<Endpoints>('Endpoints', namespace, name, (o) => { o.subsets = subsets; });
  }
}
