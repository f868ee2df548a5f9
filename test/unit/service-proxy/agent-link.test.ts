// The control connection to the network agent, against a fake agent on loopback: the token first, a full
// snapshot on connect, then only the Service that changed (a pod turning unready), synchronously with the
// kubelet's observation; a reconnect gets a full snapshot again; open connections reported by the agent
// are what the kubelet drains on.
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentLink } from '../../../src/service-proxy/cluster-ip/agent-link.js';
import { clusterBlock } from '../../../src/runtime/subnets.js';
import { Store } from '../../../src/store/store.js';
import type { Pod, PodStatus } from '../../../src/kube/types.js';
import type { KubeletObservations } from '../../../src/kube/observed.js';

const block = clusterBlock('172.18.128.0/17', 0)!;

function fakeObserved(): KubeletObservations & { set(uid: string, s: PodStatus): void } {
  const statuses = new Map<string, PodStatus>();
  const listeners = new Set<(uid: string, ns: string) => void>();
  return {
    status: (uid) => statuses.get(uid),
    publishedPorts: () => undefined,
    onChange: (fn) => { listeners.add(fn); return () => listeners.delete(fn); },
    set(uid, s) { statuses.set(uid, s); for (const l of listeners) l(uid, 'default'); },
  };
}

const status = (ip: string, ready: boolean): PodStatus => ({
  phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  containerStatuses: [{ name: 'c', ready, restartCount: 0, image: 'i', imageID: '', state: { running: {} } }],
}) as PodStatus;

interface FakeAgent { port: number; lines: Record<string, unknown>[][]; sockets: net.Socket[]; close(): void }

async function fakeAgent(): Promise<FakeAgent> {
  const lines: Record<string, unknown>[][] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    const mine: Record<string, unknown>[] = [];
    let buf = '';
    s.on('data', (d) => {
      buf += String(d);
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const msg = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        if (msg['role'] === 'control') { lines.push(mine); sockets.push(s); }
        mine.push(msg);
        if (msg['type'] === 'snapshot') s.write(JSON.stringify({ type: 'synced', seq: msg['seq'] }) + '\n');
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, lines, sockets, close: () => { for (const s of sockets) s.destroy(); server.close(); } };
}

const until = async (fn: () => boolean): Promise<void> => { while (!fn()) await new Promise((r) => setTimeout(r, 5)); };

describe('AgentLink', () => {
  let link: AgentLink | undefined;
  let agent: FakeAgent | undefined;
  afterEach(() => { link?.stop(); agent?.close(); });

  it('snapshot on connect, then the one changed Service; a new connection gets a snapshot again', async () => {
    agent = await fakeAgent();
    const store = new Store();
    const observed = fakeObserved();
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: block.first.replace(/\.2$/, '.3'), selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 'default' }, spec: { clusterIP: block.first.replace(/\.2$/, '.4'), selector: { app: 'other' }, ports: [{ port: 80 }] } });
    for (const [name, ip] of [['a', '172.18.0.2'], ['b', '172.18.0.3']] as const) {
      const pod = store.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } as Pod);
      observed.set(pod.metadata.uid, status(ip, true));
    }
    link = new AgentLink({ store, observed, apiPort: 1 });
    link.attach({ controlHost: '127.0.0.1', controlPort: agent.port, token: 'secret', block });
    expect(await link.whenSynced(5000)).toBe(true);
    const first = agent.lines[0]!;
    expect(first[0]).toEqual({ token: 'secret', role: 'control' });
    const snapshot = first[1] as { type: string; services: { key: string; ports: { backends: unknown[] }[] }[] };
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.services.map((s) => s.key).sort()).toEqual(['default/other', 'default/web']);
    expect(snapshot.services.find((s) => s.key === 'default/web')!.ports[0]!.backends).toHaveLength(2);

    const uid = store.get<Pod>('Pod', 'default', 'b')!.metadata.uid;
    const count = first.length;
    observed.set(uid, status('172.18.0.3', false));
    await until(() => first.length > count);
    const delta = first.slice(count).filter((m) => m['type'] === 'service');
    expect(delta).toHaveLength(1);
    expect(delta[0]).toMatchObject({ service: { key: 'default/web', ports: [{ backends: [{ ip: '172.18.0.2', port: 8080 }] }] } });

    // the agent reports connections open per endpoint: the kubelet drains a pod on them
    const a = store.get<Pod>('Pod', 'default', 'a')!.metadata.uid;
    agent.sockets[0]!.write(JSON.stringify({ type: 'open', counts: { '172.18.0.2': 2 } }) + '\n');
    await until(() => link!.openConnections(a) === 2);
    const drained = link.drained(a, 5000);
    agent.sockets[0]!.write(JSON.stringify({ type: 'open', counts: {} }) + '\n');
    expect(await drained).toBe(0);

    agent.sockets[0]!.destroy();
    await until(() => agent!.lines.length === 2 && agent!.lines[1]!.length >= 2);
    expect(agent.lines[1]![1]).toMatchObject({ type: 'snapshot' });
  });
});
