// The tutorial's kubectl commands, word for word where the kubectl at hand accepts them, against a real
// control plane running real containers. One scenario for both kubectl versions (kubectl-1.32.test.ts,
// kubectl-1.20.test.ts); what differs between them is passed in, not branched on silently.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/lib/index.js';
import { ROOT, until } from './harness.js';
import { kubectlEnv, shellQuote, TICKER_POD, type KubectlEnv } from './kubectl-support.js';

const LIVENESS = path.join(ROOT, 'test/fixtures/tutorial/liveness.yaml');
const SVC = path.join(ROOT, 'test/fixtures/tutorial/svc.yaml');
const DEPRECATED = 'Warning: extensions/v1beta1 Deployment is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 Deployment';

export interface SuiteOptions {
  /** how this kubectl spells the tutorial's `kubectl exec -t POD rm /tmp/healthcheck` */
  rmHealthcheck: (pod: string) => string[];
  /** kubectl >= 1.24 prints "1 (5s ago)" in RESTARTS from the server's Table; both get the same cells */
  version: string;
}

export function defineKubectlSuite(bin: () => string, opts: SuiteOptions): void {
  describe(`kubectl ${opts.version}: the tutorial against real containers`, () => {
    let k: KubectlEnv;
    let pods: string[] = [];
    let victim = '';

    beforeAll(async () => {
      k = await kubectlEnv(bin());
    });
    afterAll(async () => {
      await k?.stop();
    });

    it('kubectl apply -f liveness.yaml (extensions/v1beta1, with the Warning); rollout status; get pod', async () => {
      const apply = await k.run(['apply', '-f', LIVENESS]);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout.trim()).toBe('deployment.apps/liveness-pod created');
      expect(apply.stderr.split('\n')[0]).toBe(DEPRECATED);

      const rollout = await k.run(['rollout', 'status', 'deployment', 'liveness-pod', '--timeout=60s']);
      expect(rollout.code, rollout.stderr).toBe(0);
      expect(rollout.stdout.trim().split('\n').at(-1)).toBe('deployment "liveness-pod" successfully rolled out');

      const get = await k.run(['get', 'pod']);
      expect(get.code, get.stderr).toBe(0);
      const lines = get.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      expect(lines).toHaveLength(4);
      for (const l of lines.slice(1)) expect(l).toMatch(/^liveness-pod-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s$/);
      pods = lines.slice(1).map((l) => l.split(/\s+/)[0]!);
      victim = pods[0]!;
    }, 70_000);

    it('get pod -w shows the restart after the health file is removed; exec -i / -it; describe; events', async () => {
      const watch = k.start(['get', 'pod', '-w']);
      try {
        const rm = await k.run(opts.rmHealthcheck(victim));
        expect(rm.code, rm.stderr).toBe(0);
        expect(rm.stdout).toBe('');
        const removedAt = Date.now();

        // kubectl exec -it POD -- sh, with stdin from a pipe (-i) ...
        const sh = await k.run(['exec', '-i', victim, '--', 'sh'], { input: 'echo hi; exit 3\n' });
        expect(sh.stdout).toBe('hi\n');
        expect(sh.code).toBe(3);
        expect(sh.stderr).toContain('command terminated with exit code 3');
        // ... and with a terminal (-t), through script(1)'s pty.
        const tty = await runInPty(k, ['exec', '-it', victim, '--', 'sh', '-c', 'tty; exit 4']);
        expect(tty.stdout).toMatch(/\/dev\/pts\/\d+/);
        expect(tty.code).toBe(4);

        await until('the RESTARTS column to reach 1 in the watch', async () => {
          const line = watch.out().split('\n').find((l) => l.startsWith(victim) && /\s1\/1\s+Running\s+1( \(\d+s ago\))?\s+\d+s$/.test(l));
          return line;
        }, 30_000);
        expect(Date.now() - removedAt).toBeGreaterThan(5_000);
        expect(watch.out().split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      } finally {
        await watch.kill();
      }

      const describe = await k.run(['describe', 'pod', victim]);
      expect(describe.code, describe.stderr).toBe(0);
      expect(describe.stdout).toContain('Liveness:       exec [cat tmp/healthcheck] delay=5s timeout=1s period=5s #success=1 #failure=3');
      expect(describe.stdout, describe.stdout).toMatch(/Restart Count:\s+1\n/);
      // (on a machine loaded enough, the 1 s exec timeout of the tutorial's probe can also be what fails)
      expect(describe.stdout, describe.stdout).toMatch(/Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: (cat: can't open 'tmp\/healthcheck': No such file or directory|command "cat tmp\/healthcheck" timed out)/);
      expect(describe.stdout).toMatch(/Normal\s+Killing\s+.*kubelet\s+Container liveness failed liveness probe, will be restarted/);

      // Events with field selectors (what describe itself sends, and what a user types).
      const events = await k.run(['get', 'events', '--field-selector', `involvedObject.name=${victim},reason=Killing`]);
      expect(events.code, events.stderr).toBe(0);
      const rows = events.stdout.trim().split('\n');
      expect(rows[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
      expect(rows).toHaveLength(2);
      expect(rows[1]).toContain(`pod/${victim}`);
      const other = await k.run(['get', 'events', '--field-selector', `involvedObject.name=${pods[1]},reason=Killing`]);
      expect(other.stderr.trim()).toBe('No resources found in default namespace.');
    }, 80_000);

    it('kubectl logs and logs -f', async () => {
      const created = await k.run(['apply', '-f', '-'], { input: TICKER_POD });
      expect(created.stdout.trim(), created.stderr).toBe('pod/ticker created');
      await until('ticker running', async () => (await k.cluster.get<Pod>('Pod', 'ticker')).status?.phase === 'Running', 30_000);
      const follow = k.start(['logs', '-f', 'ticker']);
      try {
        await until('logs -f to stream two ticks', async () => follow.out().includes('tick 2\n'), 15_000);
      } finally {
        await follow.kill();
      }
      expect(follow.out().startsWith('started\ntick 1\n')).toBe(true);
      const logs = await k.run(['logs', 'ticker']);
      expect(logs.code, logs.stderr).toBe(0);
      expect(logs.stdout).toMatch(/^started\ntick 1\ntick 2\n/);
      const del = await k.run(['delete', 'pod', 'ticker', '--wait=false']);
      expect(del.stdout.trim()).toBe('pod "ticker" deleted');
    }, 40_000);

    it('kubectl get svc,ep, get all, api-resources', async () => {
      const svc = await k.run(['apply', '-f', SVC]);
      expect(svc.stdout.trim(), svc.stderr).toBe('service/mysvc created');
      const get = await k.run(['get', 'svc,ep']);
      expect(get.code, get.stderr).toBe(0);
      expect(get.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
      expect(get.stdout).toMatch(/^service\/mysvc\s+NodePort\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\d+s$/m);
      // the tutorial's Service selects app=healthcheck: no endpoints for the liveness pods
      expect(get.stdout).toMatch(/^endpoints\/mysvc\s+<none>\s+\d+s$/m);

      const all = await k.run(['get', 'all']);
      expect(all.code, all.stderr).toBe(0);
      for (const p of pods) expect(all.stdout).toContain(`pod/${p}`);
      expect(all.stdout).toMatch(/^service\/mysvc\s+NodePort/m);
      expect(all.stdout).toMatch(/^deployment\.apps\/liveness-pod\s+3\/3\s+3\s+3\s+\d+s$/m);
      expect(all.stdout).toMatch(/^replicaset\.apps\/liveness-pod-[a-z0-9]+\s+3\s+3\s+3\s+\d+s$/m);
      // Deployments once: the legacy version is not in the `all` category
      expect(all.stdout.match(/^deployment\./gm)).toHaveLength(1);

      const res = await k.run(['api-resources']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
      expect(res.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      expect(res.stdout).toMatch(/^deployments\s+extensions\/v1beta1\s+true\s+Deployment$/m);
      expect(res.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
      expect(res.stdout).toMatch(/^services\s+svc\s+v1\s+true\s+Service$/m);
    }, 30_000);

    // kubectl 1.32 reads the EndpointSlices of the Service (it printed "Endpoints: <none>" before mini-kube
    // served them), kubectl 1.20 the Endpoints object: both list the ready pods' addresses.
    it('describe svc lists the addresses of the ready pods behind the Service', async () => {
      const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: liveness-web}\nspec:\n  selector: {app: liveness}\n  ports: [{name: web, port: 80, targetPort: 8080}]\n';
      const apply = await k.run(['apply', '-f', '-'], { input: svc });
      expect(apply.stdout.trim(), apply.stderr).toBe('service/liveness-web created');
      await k.cluster.waitForEndpoints('liveness-web', 3, { timeoutMs: 30_000 });
      const ep = await k.run(['get', 'endpoints', 'liveness-web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']);
      const ips = ep.stdout.trim().split(/\s+/);
      expect(ips).toHaveLength(3);
      const describe = await k.run(['describe', 'svc', 'liveness-web']);
      expect(describe.code, describe.stderr).toBe(0);
      const listed = /^Endpoints:\s+(.*)$/m.exec(describe.stdout)?.[1] ?? '';
      expect(listed.split(',').sort(), describe.stdout).toEqual(ips.map((ip) => `${ip}:8080`).sort());
      const del = await k.run(['delete', 'svc', 'liveness-web']);
      expect(del.stdout.trim(), del.stderr).toBe('service "liveness-web" deleted');
    }, 45_000);

    it('kubectl scale deployment, rollout status, Status errors, delete -f', async () => {
      const scale = await k.run(['scale', 'deployment', 'liveness-pod', '--replicas', '1']);
      expect(scale.code, scale.stderr).toBe(0);
      expect(scale.stdout.trim()).toBe('deployment.apps/liveness-pod scaled');
      const rollout = await k.run(['rollout', 'status', 'deployment', 'liveness-pod', '--timeout=30s']);
      expect(rollout.stdout.trim().split('\n').at(-1), rollout.stderr).toBe('deployment "liveness-pod" successfully rolled out');
      const deploy = await k.run(['get', 'deployment', 'liveness-pod']);
      expect(deploy.stdout).toMatch(/^liveness-pod\s+1\/1\s+1\s+1\s+\d+s$/m);

      const missing = await k.run(['get', 'pod', 'nope']);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
      const badScale = await k.run(['scale', 'deployment', 'liveness-pod', '--replicas', '-1']);
      expect(badScale.code).toBe(1);

      const del = await k.run(['delete', '-f', LIVENESS, '-f', SVC]);
      expect(del.code, del.stderr).toBe(0);
      expect(del.stdout).toMatch(/^deployment\.(apps|extensions) "liveness-pod" deleted$/m);
      expect(del.stdout).toMatch(/^service "mysvc" deleted$/m);
      await until('the liveness pods to be gone', async () => (await k.cluster.pods('app=liveness')).length === 0, 30_000);
      // what is left is what a real cluster has too: the `kubernetes` Service
      const after = await k.run(['get', 'deploy,svc', '--no-headers']);
      expect(after.stdout.trim()).toMatch(/^service\/kubernetes\s+ClusterIP\s+\S+\s+<none>\s+443\/TCP\s+\S+$/);
    }, 60_000);
  });
}

/** Runs kubectl under script(1) so it gets a terminal (-t needs one); stdin is empty. */
function runInPty(k: KubectlEnv, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile('script', ['-qec', shellQuote(k.argv(args)), '/dev/null'],
      { env: { ...process.env, HOME: k.dir, KUBECONFIG: '' }, timeout: 30_000 },
      (err, stdout) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout }));
    child.stdin!.end();
  });
}
