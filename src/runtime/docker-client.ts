// The one place a dockerode client is constructed, so the runtime and the image builder connect alike.
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
// first: it keeps dockerode's BuildKit (gRPC) and SSH parts from loading until they are used
import './dockerode-lazy-parts.js';
import Docker from 'dockerode';

/**
 * A client for the engine at `socketPath`, or where DOCKER_HOST points (docker-modem reads it), or the
 * default /var/run/docker.sock. Keep one per process: Node 20's global agent keeps its connections alive.
 */
export function createDockerClient(socketPath?: string): Docker {
  refuseEngineRedirects();
  return new Docker(socketPath ? { socketPath } : undefined);
}

let redirectsRefused = false;

/**
 * docker-modem sends every request through its own copy of follow-redirects (lib/http.js), which follows a
 * 3xx from the engine to wherever Location points, without an error handler. The engine answers 301 to any
 * path it cleans (`/images/a/../../127.0.0.1:8080/x/json`), so one image string sent a GET to an arbitrary
 * host and crashed the process. The engine API never redirects a well-formed request: replace that module's
 * transports with Node's own, which hand the 3xx to docker-modem as an error ("(HTTP code 301) unexpected").
 * Exported for the test that proves it (test/unit/runtime/engine-redirects.test.ts).
 */
export function refuseEngineRedirects(): void {
  if (redirectsRefused) return;
  const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
  const transports = fromDockerode(fromDockerode.resolve('docker-modem/lib/http.js')) as Record<string, unknown>;
  if (typeof transports['http'] !== 'object' || typeof transports['https'] !== 'object') {
    // a docker-modem that no longer has this module: fail loudly rather than run with redirects followed
    throw new Error('docker-modem/lib/http.js no longer exports http and https: check how this docker-modem version handles engine redirects (src/runtime/docker-client.ts)');
  }
  transports['http'] = http;
  transports['https'] = https;
  redirectsRefused = true;
}
