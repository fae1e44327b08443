#!/usr/bin/env bash
# bench/cli-startup: kn start-up beside kubectl, against a private real API server, inside a
# loopback-only network namespace. Usage: bench/cli-startup/run.sh   (RUNS=30 for more samples)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -z "${KN_TS_IN_NETNS:-}" ]; then
  export PATH="$(scripts/node24.sh):$PATH"
  KN_TS_BUILD_LENIENT="${KN_TS_BUILD_LENIENT:-1}" npm run --silent build
  KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)"; export KN_TS_TEST_BINS
  exec unshare -rn env KN_TS_IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
exec node bench/cli-startup/run.ts
