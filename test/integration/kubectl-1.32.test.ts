// kubectl 1.32 (the machine's /usr/bin/kubectl, or $KUBECTL) through the tutorial, on real containers.
// Exec goes over WebSocket (v5.channel.k8s.io); the tutorial's `exec -t POD rm ...` form is refused by
// this kubectl ("exec [POD] [COMMAND] is not supported anymore"), so the `--` form is used.
import * as fs from 'node:fs';
import { defineKubectlSuite } from './kubectl-suite.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

defineKubectlSuite(() => {
  if (!fs.existsSync(KUBECTL)) throw new Error(`kubectl is expected at ${KUBECTL} (set KUBECTL to another path)`);
  return KUBECTL;
}, {
  version: '1.32',
  rmHealthcheck: (pod) => ['exec', pod, '--', 'rm', '/tmp/healthcheck'],
});
