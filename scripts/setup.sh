#!/usr/bin/env bash
# Prepares a checkout for use and for tests: engine, dependencies, build, and the tutorial's sample image.
# Idempotent: every step is skipped or quick when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*" >&2; }

bash scripts/ensure-docker.sh
npm install --no-audit --no-fund
npm run build

# Debian's kubectl 1.20 next to the installed one, for checking compatibility with an older client.
# Optional: a failure only warns.
ensure_kubectl_120() {
  local dest=/opt/kubectl-1.20
  [ -x "$dest/usr/bin/kubectl" ] && return 0
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || return 1
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && (apt-get download kubernetes-client >/dev/null 2>&1 || { apt-get update -qq && apt-get download kubernetes-client >/dev/null; })) || { rm -rf "$tmp"; return 1; }
  mkdir -p "$dest"
  dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$dest" || { rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"
  say "kubectl $("$dest/usr/bin/kubectl" version --client --short 2>/dev/null | head -n1 || echo 1.20) in $dest/usr/bin/kubectl"
}
ensure_kubectl_120 || say "warning: could not install Debian's kubernetes-client 1.20 into /opt/kubectl-1.20 (optional; needs root and apt)"

# Debian's chromium for the dashboard's end-to-end test (test/integration/dashboard-browser.test.ts,
# driven by playwright-core). Required for the tests: fails setup when it cannot be installed.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
}
# Only the tests need it: without it the demo and everything else still work, so this only warns.
ensure_chromium || say "warning: could not install Debian's chromium (run: apt-get install -y chromium, as root): the dashboard's browser test (npm test) needs it"


# The tutorial's image, built locally (no registry needed): the same as `npm run sample-image`.
node bin/mini-kube.js build-sample-image
