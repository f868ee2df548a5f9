// Parallel test files with their own clusters: two processes start clusters and allocate nodePorts at
// the same moment, and neither touches the other's containers or ports, also when one stops.
import * as http from 'node:http';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSampleImage } from '../../src/runtime/sample-image.js';
import { containersOf, podContainersOf, FIXTURES, lineFrom, run } from './library-fixtures/children.js';

interface Report { clusterId: string; url: string; pod: string; ports: number[] }

function hostnameAt(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body.replace(/^.*hostname:/, '')));
    }).on('error', reject);
  });
}

describe('library: clusters in parallel processes', () => {
  it('keep their containers and nodePorts apart', async () => {
    await buildSampleImage();
    const env = { SERVICES: '10' };
    const a = run([path.join(FIXTURES, 'parallel-child.mjs')], { env });
    const b = run([path.join(FIXTURES, 'parallel-child.mjs')], { env });
    const ra = JSON.parse((await lineFrom(a, /^\{.*"clusterId".*\}$/m))[0]) as Report;
    const rb = JSON.parse((await lineFrom(b, /^\{.*"clusterId".*\}$/m))[0]) as Report;

    expect(ra.clusterId).not.toBe(rb.clusterId);
    // 11 nodePorts each, allocated concurrently: none shared.
    expect(ra.ports).toHaveLength(11);
    expect(rb.ports).toHaveLength(11);
    expect(ra.ports.filter((p) => rb.ports.includes(p))).toEqual([]);
    // Each cluster sees only its own pod's container, and its Service reaches its own pod.
    expect((await podContainersOf(ra.clusterId)).every((n) => n.includes(ra.pod))).toBe(true);
    expect((await podContainersOf(rb.clusterId)).every((n) => n.includes(rb.pod))).toBe(true);
    expect(await hostnameAt(ra.url)).toBe(ra.pod);
    expect(await hostnameAt(rb.url)).toBe(rb.pod);

    // One stops: the other's containers and Service are untouched.
    a.child.stdin!.end('stop\n');
    const da = await a.done;
    expect(da.stdout).toContain('"stopped":true');
    expect(await containersOf(ra.clusterId)).toEqual([]);
    expect(await podContainersOf(rb.clusterId)).toHaveLength(2); // the pod's container and its sandbox
    expect(await hostnameAt(rb.url)).toBe(rb.pod);

    b.child.stdin!.end('stop\n');
    expect((await b.done).stdout).toContain('"stopped":true');
    expect(await containersOf(rb.clusterId)).toEqual([]);
  }, 85_000);
});
