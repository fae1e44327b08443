#!/usr/bin/env bash
# npm test: every tier of DESIGN.md in one node --test run, inside a fresh network namespace that
# has only loopback (unshare -rn), so a stray connection fails with "network unreachable".
#
#   npm test                 # all tiers: unit, integration, dataplane, quickstart
#   npm test -- unit         # one tier (unit needs no API server)
#   npm test -- test/integration/kube.test.ts   # some files
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -z "${KN_TS_IN_NETNS:-}" ]; then
  export PATH="$(scripts/node24.sh):$PATH"
  [ -d node_modules ] || npm ci
  npm run --silent build
  # The API server binaries are built (once, cached) before the network goes away.
  case "${1:-all}" in
    unit) ;;
    *) KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)"; export KN_TS_TEST_BINS
       KN_TS_UPSTREAM_KN="$(scripts/build-upstream-kn.sh)"; export KN_TS_UPSTREAM_KN ;; # upstream kn + its e2e tests
  esac
  command -v unshare >/dev/null || { echo "npm test: unshare (util-linux) is needed to isolate the network" >&2; exit 1; }
  exec unshare -rn env KN_TS_IN_NETNS=1 bash "$0" "$@"
fi

ip link set lo up 2>/dev/null || true
if ip route get 1.1.1.1 >/dev/null 2>&1; then
  echo "npm test: the network namespace has a route off this machine; refusing to run" >&2
  exit 1
fi

files=()
setup=(--test-global-setup=test/harness/global-setup.ts)
case "${1:-all}" in
  all) files=('test/**/*.test.ts') ;;
  unit) files=('test/unit/**/*.test.ts'); setup=() ;;
  integration|dataplane|quickstart) files=("test/$1/**/*.test.ts") ;;
  *) files=("$@") ;;
esac

exec node --test --test-concurrency="${KN_TS_TEST_CONCURRENCY:-3}" --test-timeout=300000 \
  --test-reporter=spec "${setup[@]}" "${files[@]}"
