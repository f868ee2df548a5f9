// DockerRuntime against the real engine, with the tutorial's sample image. Everything created here carries
// TEST_LABEL and is removed by that label in afterAll, whether the tests passed or not.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/runtime/docker.js';
import { buildSampleImage, SAMPLE_IMAGE } from '../../src/runtime/sample-image.js';
import { LABEL_CLUSTER, LABEL_POD, type CreateContainerSpec, type RuntimeEvent } from '../../src/runtime/runtime.js';

const RUN = randomBytes(4).toString('hex');
const TEST_LABEL = 'io.mini-kube.test';
const labels = { [TEST_LABEL]: `runtime-${RUN}`, [LABEL_CLUSTER]: `test-runtime-${RUN}` };
const NETWORK = `mk-test-runtime-${RUN}`;
/** a private tag, so the build path runs every time without touching the shared sample image */
const BUILD_TAG = `mini-kube-test/healthcheck:${RUN}`;

const runtime = new DockerRuntime();

function spec(name: string, over: Partial<CreateContainerSpec> = {}): CreateContainerSpec {
  return {
    name: `mk-test-${RUN}-${name}`,
    image: SAMPLE_IMAGE,
    env: [{ name: 'GREETING', value: 'hi there' }],
    hostname: name,
    labels: { ...labels, [LABEL_POD]: name },
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    network: NETWORK,
    publishPorts: false,
    ...over,
  };
}

async function run(name: string, over: Partial<CreateContainerSpec> = {}): Promise<string> {
  const id = await runtime.createContainer(spec(name, over));
  await runtime.startContainer(id);
  return id;
}

/** GET with retries: the app needs a moment after start to listen */
async function httpGet(host: string, port: number, path = '/'): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const req = http.get({ host, port, path, timeout: 1000 }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

async function waitFor(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  if (!(await runtime.ping())) throw new Error('no Docker engine answers; run scripts/ensure-docker.sh');
  const result = await buildSampleImage({ log: (l) => console.log(l) });
  expect(result.tag).toBe(SAMPLE_IMAGE);
  await runtime.ensureNetwork(NETWORK, labels);
});

afterAll(async () => {
  const docker = runtime.docker;
  const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${labels[TEST_LABEL]}`] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${labels[TEST_LABEL]}`] } });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
  await docker.getImage(BUILD_TAG).remove({ force: true }).catch(() => undefined);
});

describe('buildSampleImage', () => {
  it('builds the tutorial image without a registry, and reuses it the second time', async () => {
    const started = performance.now();
    const first = await buildSampleImage({ tag: BUILD_TAG, log: (l) => console.log(l) });
    console.log(`sample image build: ${((performance.now() - started) / 1000).toFixed(2)} s (${first.method})`);
    expect(first).toMatchObject({ tag: BUILD_TAG, built: true });
    expect(await buildSampleImage({ tag: BUILD_TAG })).toEqual({ tag: BUILD_TAG, method: first.method, built: false });

    const info = await runtime.docker.getImage(BUILD_TAG).inspect();
    expect(info.Config.Labels).toMatchObject({ 'io.mini-kube.sample': 'true' });
    expect(info.Config.WorkingDir).toBe('/');
    expect(info.Config.Cmd).toEqual(['node', 'app.js']);
    expect(Object.keys(info.Config.ExposedPorts ?? {})).toEqual(['8080/tcp']);

    const id = await run('built', { image: BUILD_TAG });
    expect((await runtime.exec(id, ['cat', 'tmp/healthcheck'])).exitCode).toBe(0);
    expect((await runtime.exec(id, ['rm', '/tmp/healthcheck'])).exitCode).toBe(0);
    const ip = (await runtime.inspectContainer(id))!.ip!;
    expect(await httpGet(ip, 8080, '/readiness')).toEqual({ status: 500, body: 'Not ready! hostname:built' });
  });
});

describe('DockerRuntime (real engine)', () => {
  it('answers ping, and a dead socket answers false quickly', async () => {
    expect(await runtime.ping()).toBe(true);
    const started = Date.now();
    const dead = new DockerRuntime({ socketPath: `/tmp/mk-no-engine-${RUN}.sock` });
    expect(await dead.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2500);
    // the other calls fail with the connection error instead of hanging
    expect(await dead.pullImage('x:1')).toMatchObject({ ok: false, message: expect.stringContaining('ENOENT') });
    const error = await new Promise<Error>((resolve) => dead.events({}, () => undefined, resolve));
    expect(error.message).toMatch(/subscribing to docker events: .*ENOENT/);
  });

  it('creates, starts and inspects a pod container reachable on its IP', async () => {
    const id = await run('web-a');
    const info = await runtime.inspectContainer(id);
    expect(info).toMatchObject({
      id,
      name: `mk-test-${RUN}-web-a`,
      image: SAMPLE_IMAGE,
      status: 'running',
      running: true,
      finishedAt: undefined,
      publishedPorts: {},
    });
    expect(info?.labels).toMatchObject({ ...labels, [LABEL_POD]: 'web-a' });
    expect(info?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(info?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const res = await httpGet(info!.ip!, 8080);
    expect(res).toEqual({ status: 200, body: 'Hello node! hostname:web-a' });
    expect((await httpGet(info!.ip!, 8080, '/readiness')).body).toBe('Ready! hostname:web-a');
    expect(await runtime.inspectContainer(`mk-test-${RUN}-does-not-exist`)).toBeUndefined();
  });

  it('startContainerUntilLine: resolves once the container printed the line, rejects with its output when it exits first or stays silent', async () => {
    const says = await runtime.createContainer(spec('says-ready', { ports: [], command: ['sh', '-c', 'echo one; sleep 0.3; echo "files written"; exec sleep 60'] }));
    const t0 = performance.now();
    await runtime.startContainerUntilLine(says, 'files written', 10_000);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250); // waited for the line, not only for the start
    expect((await runtime.inspectContainer(says))?.running).toBe(true);
    const dies = await runtime.createContainer(spec('dies', { ports: [], command: ['sh', '-c', 'echo cannot write /etc/hosts >&2; exit 1'] }));
    await expect(runtime.startContainerUntilLine(dies, 'files written', 10_000)).rejects.toThrow(/exited before it printed "files written": cannot write \/etc\/hosts/);
    const silent = await runtime.createContainer(spec('silent', { ports: [], command: ['sleep', '60'] }));
    await expect(runtime.startContainerUntilLine(silent, 'files written', 500)).rejects.toThrow(/did not print "files written" within 500 ms/);
  });

  it('publishes container ports on 127.0.0.1 in publishPorts mode', async () => {
    const id = await run('web-pub', { publishPorts: true });
    const info = await runtime.inspectContainer(id);
    const port = info?.publishedPorts[8080];
    expect(port).toBeGreaterThan(0);
    expect(await httpGet('127.0.0.1', port!)).toEqual({ status: 200, body: 'Hello node! hostname:web-pub' });
  });

  describe('exec', () => {
    let id: string;
    beforeAll(async () => {
      id = await run('exec');
    });

    it('succeeds with exit code 0 in the container working directory and environment', async () => {
      const r = await runtime.exec(id, ['cat', 'tmp/healthcheck']);
      expect(r).toEqual({ exitCode: 0, output: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false });
      const env = await runtime.exec(id, ['sh', '-c', 'pwd; echo "$GREETING"']);
      expect(env.output.toString()).toBe('/\nhi there\n');
    });

    it('reports failure exit codes and the error text', async () => {
      const r = await runtime.exec(id, ['cat', 'tmp/nope']);
      expect(r.exitCode).toBe(1);
      expect(r.output.toString()).toBe("cat: can't open 'tmp/nope': No such file or directory\n");
      expect((await runtime.exec(id, ['sh', '-c', 'exit 42'])).exitCode).toBe(42);
    });

    it('returns stdout followed by stderr, capped', async () => {
      const r = await runtime.exec(id, ['sh', '-c', 'echo err1 >&2; echo out1; echo err2 >&2; echo out2']);
      expect(r.output.toString()).toBe('out1\nout2\nerr1\nerr2\n');
      const big = await runtime.exec(id, ['sh', '-c', 'yes abcdefghi | head -c 100000; echo tail >&2']);
      expect(big.output.length).toBe(10 * 1024);
      expect(big.exitCode).toBe(0);
      const small = await runtime.exec(id, ['sh', '-c', 'echo 12345; echo abcde >&2'], { maxOutputBytes: 8 });
      expect(small.output.toString()).toBe('12345\nab');
    });

    it('kills a timed-out exec and leaves no process behind', async () => {
      const started = Date.now();
      const r = await runtime.exec(id, ['sleep', '30'], { timeoutMs: 1000 });
      const took = Date.now() - started;
      expect(r.timedOut).toBe(true);
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(3000);
      const ps = await runtime.exec(id, ['ps', '-o', 'pid,args']);
      expect(ps.output.toString()).not.toMatch(/sleep/);
    });

    it('also kills background children that hold the output open', async () => {
      const r = await runtime.exec(id, ['sh', '-c', 'sleep 30 & sleep 29 & exit 1'], { timeoutMs: 1000 });
      expect(r.timedOut).toBe(true);
      await waitFor(async () => !/sleep/.test((await runtime.exec(id, ['ps', '-o', 'pid,args'])).output.toString()), 3000);
    });

    it('kills from inside the container when host pids are not used (Docker Desktop path)', async () => {
      const inContainer = new DockerRuntime({ execKill: 'in-container' });
      const started = Date.now();
      const r = await inContainer.exec(id, ['sh', '-c', 'sleep 30 & sleep 31'], { timeoutMs: 1000 });
      expect(r.timedOut).toBe(true);
      expect(Date.now() - started).toBeLessThan(4000);
      await waitFor(async () => !/sleep/.test((await runtime.exec(id, ['ps', '-o', 'pid,args'])).output.toString()), 3000);
    });

    it('measures the cost of one exec probe', async () => {
      const n = 20;
      const started = performance.now();
      for (let i = 0; i < n; i++) await runtime.exec(id, ['cat', 'tmp/healthcheck'], { timeoutMs: 1000 });
      const perCall = (performance.now() - started) / n;
      console.log(`exec wall time: ${perCall.toFixed(1)} ms per call (mean of ${n})`);
      expect(perCall).toBeLessThan(1000);
    });

    it('fails with the engine message when the container is not running', async () => {
      const stopped = await runtime.createContainer(spec('exec-created'));
      await expect(runtime.exec(stopped, ['true'])).rejects.toThrow(/is not running/);
    });

    it('runs interactive sessions with stdin and a TTY', async () => {
      const session = await runtime.execInteractive(id, ['sh', '-c', 'cat; echo done >&2; exit 5'], { stdin: true, stdout: true, stderr: true, tty: false });
      const out = readAll(session.stdout);
      const err = readAll(session.stderr);
      session.stdin!.write('hello stdin\n');
      session.raw.end();
      expect(await session.exitCode).toBe(5);
      expect(await out).toBe('hello stdin\n');
      expect(await err).toBe('done\n');

      const tty = await runtime.execInteractive(id, ['sh'], { stdin: true, stdout: true, stderr: true, tty: true });
      await tty.resize(100, 30);
      const ttyOut = readAll(tty.stdout);
      tty.stdin!.write('stty size; exit 3\n');
      expect(await tty.exitCode).toBe(3);
      expect(await ttyOut).toContain('30 100');
    });
  });

  it('stops fast on SIGTERM thanks to the init process', async () => {
    const id = await run('stop');
    await httpGet((await runtime.inspectContainer(id))!.ip!, 8080);
    const started = Date.now();
    await runtime.stopContainer(id, 10);
    expect(Date.now() - started).toBeLessThan(2000);
    const info = await runtime.inspectContainer(id);
    expect(info).toMatchObject({ running: false, status: 'exited', exitCode: 143 });
    expect(info?.finishedAt).toMatch(/^\d{4}-/);
    // stopping again, and stopping a removed container, are not errors
    await runtime.stopContainer(id, 1);
    await runtime.removeContainer(id);
    await runtime.stopContainer(id, 1);
    await runtime.removeContainer(id);
    expect(await runtime.inspectContainer(id)).toBeUndefined();
  });

  it('maps Kubernetes command and args onto ENTRYPOINT and CMD, and returns logs', async () => {
    const id = await run('logs', { command: ['sh', '-c'], args: ['echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; echo "$0 $1"', 'a0', 'a1'] });
    await waitFor(async () => (await runtime.inspectContainer(id))?.running === false);
    const logs = await readAll(await runtime.logs(id, { follow: false }));
    // stdout and stderr interleaved in the order the engine recorded them
    expect(logs).toBe('one\ntwo\nthree\na0 a1\n');
    expect(await readAll(await runtime.logs(id, { follow: false, tailLines: 1 }))).toBe('a0 a1\n');
    expect(await readAll(await runtime.logs(id, { follow: true, timestamps: true, tailLines: 1 }))).toMatch(/^\d{4}-\d\d-\d\dT\S+ a0 a1\n$/);

    // args alone keep the image ENTRYPOINT (none here) and replace CMD
    const argsOnly = await run('args', { args: ['node', '-e', 'console.log(require("os").hostname())'] });
    await waitFor(async () => (await runtime.inspectContainer(argsOnly))?.running === false);
    expect(await readAll(await runtime.logs(argsOnly, { follow: false }))).toBe('args\n');
  });

  it('follows logs while the container writes', async () => {
    const id = await run('follow', { command: ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done'] });
    const stream = await runtime.logs(id, { follow: true });
    expect(await readAll(stream)).toBe('line1\nline2\nline3\n');
  });

  it('streams lifecycle events for labelled containers only', async () => {
    const events: RuntimeEvent[] = [];
    const errors: Error[] = [];
    const podLabel = { [TEST_LABEL]: labels[TEST_LABEL], [LABEL_POD]: 'events' };
    const stop = runtime.events(podLabel, (e) => events.push(e), (e) => errors.push(e));
    try {
      await run('events-other');
      const id = await run('events', { command: ['sh', '-c', 'exit 7'] });
      await waitFor(() => events.some((e) => e.action === 'die'));
      const mine = events.filter((e) => e.containerId === id);
      expect(events.every((e) => e.containerId === id)).toBe(true);
      expect(mine.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'start', 'die']));
      const die = mine.find((e) => e.action === 'die');
      expect(die).toMatchObject({ exitCode: 7, name: `mk-test-${RUN}-events`, labels: podLabel });
    } finally {
      stop();
    }
    expect(errors).toEqual([]);
  });

  it('lists containers by label, running or not', async () => {
    const id = await runtime.createContainer(spec('listed'));
    const found = await runtime.listContainers({ [TEST_LABEL]: labels[TEST_LABEL], [LABEL_POD]: 'listed' });
    expect(found.map((c) => c.id)).toEqual([id]);
    expect(found[0]).toMatchObject({ status: 'created', running: false, startedAt: undefined });
    expect(await runtime.listContainers({ [TEST_LABEL]: labels[TEST_LABEL], [LABEL_POD]: 'nobody' })).toEqual([]);
  });

  it('reports a failed pull quickly instead of throwing', async () => {
    const started = Date.now();
    const result = await runtime.pullImage(`mini-kube-test/does-not-exist-${RUN}:v1`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(31_000);
    expect(await runtime.imageExists(SAMPLE_IMAGE)).toBe(true);
    expect(await runtime.imageExists(`mini-kube-test/does-not-exist-${RUN}:v1`)).toBe(false);
  });

  it('creates a network once, with a subnet, under concurrent callers, and removes only labelled networks', async () => {
    const name = `mk-test-runtime-${RUN}-race`;
    // Several processes at once (each runtime is one), as when test files start clusters together: each
    // picks a subnet, and the engine refuses all but one while the first is being created.
    const others = Array.from({ length: 5 }, () => new DockerRuntime());
    await Promise.all([runtime.ensureNetwork(name, labels), ...others.map((o) => o.ensureNetwork(name, labels)), runtime.ensureNetwork(name, labels)]);
    const named = (await runtime.docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
    expect(named).toHaveLength(1);
    // a subnet of mini-kube's choosing, so a container on it can be given a fixed address
    expect(named[0]!.Labels?.['io.mini-kube.subnet']).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    expect(named[0]!.IPAM?.Config?.[0]?.Subnet).toBe(named[0]!.Labels?.['io.mini-kube.subnet']);
    await runtime.removeNetwork(name);
    expect((await runtime.docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name)).toHaveLength(0);
    await runtime.removeNetwork(name); // already gone: fine

    const foreign = `mk-test-runtime-${RUN}-foreign`;
    await runtime.docker.createNetwork({ Name: foreign, Labels: { [TEST_LABEL]: labels[TEST_LABEL] } });
    await expect(runtime.removeNetwork(foreign)).rejects.toThrow(/not created by mini-kube/);
  });
});
