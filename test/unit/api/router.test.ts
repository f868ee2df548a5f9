// The fixed routes match as they did under express: case-insensitive, one trailing slash optional,
// the query ignored, the path not decoded, GET routes answering HEAD.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Router } from '../../../src/api/http/router.js';

const get = () => undefined;
const post = () => undefined;
const router = new Router();
router.get('/api', get);
router.post('/mini-kube/dashboard/login', post);

const req = (method: string, url: string) => ({ method, url }) as IncomingMessage;

describe('Router', () => {
  it.each([
    ['GET', '/api', get],
    ['GET', '/api/', get],
    ['GET', '/API', get],
    ['GET', '/api?timeout=32s', get],
    ['HEAD', '/api', get],
    ['POST', '/api', undefined],
    ['GET', '/api//', undefined],
    ['GET', '/ap%69', undefined],
    ['GET', '/api/v1', undefined],
    ['GET', '/', undefined],
    ['POST', '/mini-kube/dashboard/login', post],
    ['GET', '/mini-kube/dashboard/login', undefined],
  ])('%s %s', (method, url, expected) => {
    expect(router.match(req(method, url))).toBe(expected);
  });
});
