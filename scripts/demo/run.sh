#!/usr/bin/env bash
# Prints a kn transcript against a whole kn-ts control plane on this machine (see run.ts), inside a
# loopback-only network namespace. Usage: scripts/demo/run.sh [kn args…]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -z "${KN_TS_IN_NETNS:-}" ]; then
  export PATH="$(scripts/node24.sh):$PATH"
  npm run --silent build >&2
  KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)"; export KN_TS_TEST_BINS
  exec unshare -rn env KN_TS_IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
exec node scripts/demo/run.ts "$@"
