// The DNS server in a process of its own (as in the network agent), so that its CPU time is its own:
// started on 127.0.0.1 with a snapshot of many Services, the host's resolvers upstream; answers
// 'cpu' messages with its process.cpuUsage().
import { readFileSync } from 'node:fs';
import { createDnsServer } from '../../dist/src/dns/server.js';
import { upstreamsFromResolvConf } from '../../dist/src/dns/forward.js';

const services = Array.from({ length: 500 }, (_, i) => ({
  namespace: `ns${i % 10}`, name: `svc${i}`, type: 'ClusterIP', clusterIP: `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }], endpoints: [{ ip: `172.18.${Math.floor(i / 250)}.${(i % 250) + 1}`, ready: true }],
}));
const snapshot = { clusterDomain: 'cluster.local', services, pods: [] };
const server = await createDnsServer({
  port: 0, host: '127.0.0.1', snapshot: () => snapshot,
  upstream: upstreamsFromResolvConf(readFileSync('/etc/resolv.conf', 'utf8')),
});
process.on('message', (m) => {
  if (m === 'cpu') process.send({ cpu: process.cpuUsage(), stats: server.stats });
  if (m === 'stop') void server.close().then(() => process.exit(0));
});
process.send({ port: server.port });
