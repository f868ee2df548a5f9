// dockerode's BuildKit (gRPC) and docker-modem's SSH parts stay unloaded until used, and work when used.
import * as http from 'node:http';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../src/runtime/docker-client.js';

const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
const loaded = (re: RegExp) => Object.keys(fromDockerode.cache).filter((f) => re.test(f));

describe('dockerode without its gRPC and SSH stacks until they are used', () => {
  it('a client is made with neither loaded', () => {
    expect(createDockerClient().modem).toBeTruthy();
    expect(loaded(/node_modules\/(@grpc|protobufjs|ssh2)\//)).toEqual([]);
  });

  it('the SSH transport loads ssh2 on its first call and is docker-modem\'s own', () => {
    const ssh = fromDockerode('docker-modem/lib/ssh.js') as (opt: object) => http.Agent;
    const agent = ssh({ host: '127.0.0.1', username: 'nobody' });
    expect(agent).toBeInstanceOf(http.Agent);
    expect(loaded(/node_modules\/ssh2\//).length).toBeGreaterThan(0);
    // from now on the module itself is cached, no stand-in
    expect(fromDockerode('docker-modem/lib/ssh.js')).not.toBe(ssh);
  });
});
