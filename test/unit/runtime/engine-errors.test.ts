import { describe, expect, it } from 'vitest';
import { engineMessage, isNotFound, statusCodeOf } from '../../../src/runtime/engine-errors.js';

describe('engine errors', () => {
  const dockerodeError = Object.assign(new Error('(HTTP code 404) no such container - No such container: x '), {
    statusCode: 404,
    json: { message: 'No such container: x' },
  });

  it('reads the status code and the engine message', () => {
    expect(statusCodeOf(dockerodeError)).toBe(404);
    expect(isNotFound(dockerodeError)).toBe(true);
    expect(engineMessage(dockerodeError)).toBe('No such container: x');
  });

  it('falls back to the error text', () => {
    expect(statusCodeOf(new Error('boom'))).toBeUndefined();
    expect(engineMessage(new Error(' connect ENOENT /var/run/docker.sock '))).toBe('connect ENOENT /var/run/docker.sock');
    expect(engineMessage('plain')).toBe('plain');
  });
});
