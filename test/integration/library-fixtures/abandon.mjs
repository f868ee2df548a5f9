// A process that leaves its cluster running: MODE=exit calls process.exit() (the exit safety net must
// clean up), MODE=hang waits to be killed with SIGKILL (the next startCluster() must reap it).
import { startCluster } from 'mini-kube';

const cluster = await startCluster();
await cluster.applyFile(new URL('./app.yaml', import.meta.url).pathname);
await cluster.waitForEndpoints('one', 1);
console.log(`CLUSTER=${cluster.clusterId}`);
if (process.env.MODE === 'exit') process.exit(3);
setInterval(() => {}, 1000);
