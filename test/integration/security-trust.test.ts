// Trust boundaries on the real engine (issue #12 points 1 and 6, docs/decisions/070-071): a client may
// write pods/status, but nothing acts on what it wrote. Exec, logs and exec probes find the pod's
// containers on the engine by this cluster's label and the pod's uid, never by the containerID in the
// status (a full id, a prefix, a name, or a container of another cluster labelled with this pod's uid);
// the service proxy and the Endpoints use the pod IP the kubelet observed, never loopback or this host's
// addresses; and the kubelet writes its own status back over a client's at once.
//
// Foreign containers are started with `docker run` (not by this cluster) and removed by their own label
// in afterAll, also when a test fails. Some cases stop the kubelet first, so that the forged status stays
// in the store while exec, logs and the proxy are used: they must act correctly without its help.
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Endpoints, Pod } from '../../src/lib/index.js';
import { LABEL_ATTEMPT, LABEL_CLUSTER, LABEL_CONTAINER, LABEL_NAMESPACE, LABEL_POD, LABEL_POD_UID, LABEL_SANDBOX } from '../../src/runtime/runtime.js';
import { SAMPLE_IMAGE } from '../../src/runtime/sample-image.js';
import { testCluster, until } from './harness.js';

const run = promisify(execFile);
const docker = async (...args: string[]): Promise<string> => (await run('docker', args)).stdout.trim();
/** exit code of `docker exec`, 0 or not (never throws) */
const dockerExecCode = (id: string, ...cmd: string[]): Promise<number> =>
  run('docker', ['exec', id, ...cmd]).then(() => 0, (err: { code?: number }) => (typeof err.code === 'number' ? err.code : 1));

const TAG = `security-trust-${process.pid}-${Date.now()}`;
const TEST_LABEL = 'io.mini-kube.test';
const POD = 'trust-web';
const APP = 'trust';
const POD_MARK = `POD-LOG-${TAG}`;
const FOREIGN_MARK = `FOREIGN-LOG-${TAG}`;
const PROBE_FILE = '/tmp/probed-by-kubelet';
const EXEC_FILE = '/tmp/exec-was-here';

interface Foreign {
  id: string;
  name: string;
}

/** A container mini-kube never created; extra labels make it look like one of another cluster. */
async function foreignContainer(suffix: string, labels: Record<string, string> = {}): Promise<Foreign> {
  const name = `mk-${TAG}-${suffix}`;
  const labelArgs = Object.entries({ [TEST_LABEL]: TAG, ...labels }).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const id = await docker('run', '-d', '--name', name, '--hostname', `foreign-${suffix}`, ...labelArgs,
    '--entrypoint', 'sh', SAMPLE_IMAGE, '-c', `echo ${FOREIGN_MARK}; exec sleep 3600`);
  return { id, name };
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

describe('security: nothing acts on a pod status a client wrote', () => {
  let cluster: Cluster;
  let bait: net.Server;
  let baitConnections = 0;
  let port: number;
  let foreign: Foreign;
  let otherCluster: Foreign;
  let realId: string;
  let realIP: string;
  let uid: string;

  /** Writes the status through the API's status subresource, as `kubectl patch --subresource=status` does. */
  async function forgeStatus(fields: { containerID?: string; podIP?: string; lastContainerID?: string; phase?: string }): Promise<Pod> {
    const current = await cluster.client.get<Pod>('Pod', 'default', POD);
    const cs = current.status!.containerStatuses![0]!;
    return cluster.client.patch<Pod>('Pod', 'default', POD, {
      status: {
        // Otherwise healthy: only the forged fields differ from what the kubelet showed.
        phase: fields.phase ?? 'Running',
        ...(fields.podIP ? { podIP: fields.podIP, podIPs: [{ ip: fields.podIP }] } : {}),
        containerStatuses: [{
          ...cs,
          ...(fields.containerID ? { containerID: fields.containerID } : {}),
          ...(fields.lastContainerID ? { lastState: { terminated: { exitCode: 0, reason: 'Completed', containerID: fields.lastContainerID } } } : {}),
        }],
      },
    }, 'application/merge-patch+json', 'status');
  }

  const stored = () => cluster.client.get<Pod>('Pod', 'default', POD);

  beforeAll(async () => {
    // The bait: anything the proxy sends to a forged loopback or host address lands here. The pod listens
    // on the same port number inside its own network namespace, so a forged IP is the only way here.
    bait = net.createServer((s) => {
      baitConnections++;
      s.on('error', () => {});
      s.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbait');
    });
    await new Promise<void>((resolve) => bait.listen(0, '0.0.0.0', resolve));
    port = (bait.address() as net.AddressInfo).port;

    cluster = await testCluster({ inProcess: true }); // stops the kubelet alone
    await cluster.apply([
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: POD, namespace: 'default', labels: { app: APP } },
        spec: {
          containers: [{
            name: 'web', image: SAMPLE_IMAGE,
            command: ['sh', '-c', `echo ${POD_MARK}; exec node -e "require('http').createServer((q, r) => r.end('pod:' + require('os').hostname())).listen(${port})"`],
            ports: [{ containerPort: port }],
            readinessProbe: { exec: { command: ['sh', '-c', `echo probed >> ${PROBE_FILE}`] }, periodSeconds: 1 },
          }],
        },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'trust-svc', namespace: 'default' },
        spec: { type: 'NodePort', selector: { app: APP }, ports: [{ port: 80, targetPort: port }] },
      },
    ]);
    await cluster.waitForPodReady(POD);
    await cluster.waitForEndpoints('trust-svc', 1);
    const pod = await stored();
    uid = pod.metadata.uid;
    realId = pod.status!.containerStatuses![0]!.containerID!.replace('docker://', '');
    realIP = pod.status!.podIP!;
    foreign = await foreignContainer('plain');
    // Another cluster's container wearing this pod's uid, container name and a newer attempt: only the
    // cluster label tells it apart.
    otherCluster = await foreignContainer('other-cluster', {
      [LABEL_CLUSTER]: `other-${TAG}`, [LABEL_NAMESPACE]: 'default', [LABEL_POD]: POD, [LABEL_POD_UID]: uid,
      [LABEL_CONTAINER]: 'web', [LABEL_ATTEMPT]: '99',
    });
  }, 180_000);

  afterAll(async () => {
    const ids = await docker('ps', '-aq', '--filter', `label=${TEST_LABEL}=${TAG}`).catch(() => '');
    if (ids) await docker('rm', '-f', ...ids.split('\n')).catch(() => '');
    await cluster?.stop();
    await new Promise<void>((resolve) => (bait ? bait.close(() => resolve()) : resolve()));
  });

  it('exec probes run in the pod\'s own container only, while a client keeps naming another in pods/status', async () => {
    // A hostile client fights the kubelet: the forged containerID is in the store most of the time.
    const until4s = Date.now() + 4000;
    let i = 0;
    while (Date.now() < until4s) {
      const id = [foreign.id, foreign.id.slice(0, 12), foreign.name, otherCluster.id][i++ % 4]!;
      await forgeStatus({ containerID: `docker://${id}`, podIP: '127.0.0.1' });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(i).toBeGreaterThan(10);
    expect(await dockerExecCode(foreign.id, 'test', '-e', PROBE_FILE), 'a probe ran in the foreign container').not.toBe(0);
    expect(await dockerExecCode(otherCluster.id, 'test', '-e', PROBE_FILE), 'a probe ran in the other cluster\'s container').not.toBe(0);
    // and the probe does run, in the right place
    expect(await dockerExecCode(realId, 'test', '-e', PROBE_FILE)).toBe(0);
  });

  it('the kubelet writes its observed status back over a client\'s within seconds, not at the next resync', async () => {
    const forged = await forgeStatus({ containerID: `docker://${foreign.id}`, podIP: '127.0.0.1', phase: 'Succeeded' });
    const started = Date.now();
    // Kubernetes allows the write (the status subresource is for the kubelet and controllers): it is stored.
    expect(forged.status).toMatchObject({ podIP: '127.0.0.1', phase: 'Succeeded' });
    // The kubelet's periodic resync is 10 s: a restore well within that is the reaction to the write.
    await until('the kubelet to restore the pod status', async () => {
      const p = await stored();
      const cs = p.status?.containerStatuses?.[0];
      return p.status?.podIP === realIP && p.status?.phase === 'Running' && cs?.containerID === `docker://${realId}`;
    }, 3000);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  describe('with the kubelet stopped, so the forged status stays in the store', () => {
    beforeAll(async () => {
      await cluster.controlPlane.kubelet.stop({ removeContainers: false });
    });

    it('exec and logs act on the pod\'s container whatever the status names: full id, prefix, name, another cluster\'s container', async () => {
      for (const forgedId of [foreign.id, foreign.id.slice(0, 12), foreign.name, `/${foreign.name}`, otherCluster.id]) {
        await forgeStatus({ containerID: `docker://${forgedId}`, lastContainerID: `docker://${forgedId}` });
        expect((await stored()).status!.containerStatuses![0]!.containerID, 'the forged status is in the store').toBe(`docker://${forgedId}`);

        const exec = await cluster.exec(POD, ['sh', '-c', `touch ${EXEC_FILE}; hostname`]);
        expect(exec, `exec with containerID ${forgedId}`).toMatchObject({ exitCode: 0, stdout: `${POD}\n` });

        const logs = await cluster.logs(POD);
        expect(logs, `logs with containerID ${forgedId}`).toContain(POD_MARK);
        expect(logs).not.toContain(FOREIGN_MARK);

        // The pod has one instance: there is no previous one, whatever lastState claims.
        const previous = await cluster.logs(POD, { previous: true }).then((text) => text, (err: Error) => err.message);
        expect(previous).not.toContain(FOREIGN_MARK);
        expect(previous).toContain(`previous terminated container "web" in pod "${POD}" not found`);
      }
      expect(await dockerExecCode(foreign.id, 'test', '-e', EXEC_FILE), 'exec reached the foreign container').not.toBe(0);
      expect(await dockerExecCode(otherCluster.id, 'test', '-e', EXEC_FILE), 'exec reached the other cluster\'s container').not.toBe(0);
      expect(await dockerExecCode(realId, 'test', '-e', EXEC_FILE)).toBe(0);
    });

    it('a forged podIP (loopback, mapped loopback, a name, this host\'s address) is never an endpoint and never dialled', async () => {
      // the pod's network is its sandbox's (the container joins the sandbox's namespace)
      const sandbox = await docker('ps', '-q', '--filter', `label=${LABEL_POD_UID}=${(await stored()).metadata.uid}`, '--filter', `label=${LABEL_SANDBOX}=true`);
      const gateway = await docker('inspect', sandbox, '--format', '{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}');
      expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const url = await cluster.serviceUrl('trust-svc');
      for (const forgedIP of ['127.0.0.1', '::ffff:127.0.0.1', 'localhost', '0.0.0.0', gateway]) {
        await forgeStatus({ podIP: forgedIP });
        expect((await stored()).status!.podIP, 'the forged status is in the store').toBe(forgedIP);
        for (let n = 0; n < 5; n++) expect(await get(url), `via the nodePort with podIP ${forgedIP}`).toBe(`200 pod:${POD}`);
        const ep = await cluster.client.get<Endpoints>('Endpoints', 'default', 'trust-svc');
        const ips = (ep.subsets ?? []).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]).map((a) => a.ip);
        expect(ips, `Endpoints with podIP ${forgedIP}`).toEqual([realIP]);
      }
      expect(baitConnections, 'connections the proxy sent to the host').toBe(0);
    });
  });
});
