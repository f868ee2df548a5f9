#!/usr/bin/env bash
# A second cluster kept busy on the same Docker engine while something else runs (the suite, a bench):
# the tutorial's liveness pods (restarting every ~30 s) and healthcheck pods behind the NodePort Service,
# with a client sending requests on new connections. Bounded: it stops and purges itself after SECONDS.
# Usage: bash scripts/busy-neighbour.sh [SECONDS]   (default 600; run from a built checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
export MINI_KUBE_HOME
MINI_KUBE_HOME=$(mktemp -d /tmp/mk-neighbour-XXXXXX)
mk() { node bin/mini-kube.js "$@"; }
cleanup() { mk down --purge >/dev/null 2>&1 || true; rm -rf "$MINI_KUBE_HOME"; }
trap cleanup EXIT
mk up -d >/dev/null
mk apply -f manifests/liveness.yaml -f manifests/healthcheck.yaml -f manifests/svc.yaml >/dev/null 2>&1
port=$(mk get svc mysvc -o json | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).spec.ports[0].nodePort))')
end=$(( $(date +%s) + seconds ))
ok=0; failed=0
while [ "$(date +%s)" -lt "$end" ]; do
  if curl -s -m 2 -o /dev/null "http://127.0.0.1:$port/"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  sleep 0.05
done
echo "busy-neighbour: $ok requests answered, $failed got no answer in $seconds s"
