// Debian's kubectl 1.20 (unpacked under /opt/kubectl-1.20, fetched if missing) through the tutorial, on
// real containers, with the tutorial's own `kubectl exec -t POD rm /tmp/healthcheck`: that kubectl speaks
// exec only over SPDY/3.1 (src/api/streaming/exec-spdy.ts).
import { defineKubectlSuite } from './kubectl-suite.js';
import { ensureKubectl120 } from './kubectl-support.js';

defineKubectlSuite(ensureKubectl120, {
  version: '1.20',
  rmHealthcheck: (pod) => ['exec', '-t', pod, 'rm', '/tmp/healthcheck'],
});
