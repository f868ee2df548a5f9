// Where the CLI looks for the engine, and which errors mean "nothing answers there" (decision 180).
import { describe, expect, it } from 'vitest';
import { engineAddress, engineDownLine, isEngineDownError } from '../../../src/cli/engine.js';

describe('engineAddress', () => {
  it.each([
    [{}, 'unix:///var/run/docker.sock', 'default', { path: '/var/run/docker.sock' }],
    [{ DOCKER_HOST: 'unix:///nowhere.sock' }, 'unix:///nowhere.sock', 'DOCKER_HOST', { path: '/nowhere.sock' }],
    [{ DOCKER_HOST: 'tcp://10.0.0.5:2376' }, 'tcp://10.0.0.5:2376', 'DOCKER_HOST', { host: '10.0.0.5', port: 2376 }],
    [{ DOCKER_HOST: 'tcp://dockerhost' }, 'tcp://dockerhost', 'DOCKER_HOST', { host: 'dockerhost', port: 2375 }],
    [{ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, 'npipe:////./pipe/docker_engine', 'DOCKER_HOST', undefined],
  ])('%j', (env, shown, source, connect) => {
    expect(engineAddress(env as NodeJS.ProcessEnv)).toEqual({ shown, source, connect });
  });

  it('the line names the default when DOCKER_HOST is unset', () => {
    expect(engineDownLine(engineAddress({}))).toBe('the Docker engine does not answer at unix:///var/run/docker.sock (the default; DOCKER_HOST is not set): start Docker, run `npm run setup`, or set DOCKER_HOST to the engine\'s socket');
  });
});

describe('isEngineDownError', () => {
  const connectError = (code: string, extra: Record<string, unknown>) => Object.assign(new Error(`connect ${code}`), { syscall: 'connect', code, ...extra });
  it.each([
    ['dockerode on a missing socket', connectError('ENOENT', { address: '/nowhere.sock' }), true],
    ['dockerode on a dead socket', connectError('ECONNREFUSED', { address: '/var/run/docker.sock' }), true],
    ['the API server relaying the kubelet', new Error('error syncing: connect ENOENT /nowhere.sock'), true],
    ['the runtime\'s timeout', new Error('the docker engine did not answer ping within 2000 ms'), true],
    ['the control plane\'s port refused', connectError('ECONNREFUSED', { address: '127.0.0.1', port: 6443 }), false],
    ['anything else', new Error('pods "x" not found'), false],
  ])('%s', (_what, err, expected) => {
    expect(isEngineDownError(err)).toBe(expected);
  });
});
