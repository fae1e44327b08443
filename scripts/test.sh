#!/usr/bin/env bash
# npm test: the tiers of DESIGN.md in one node --test run, inside a fresh network namespace that
# has only loopback (unshare -rn), so a stray connection fails with "network unreachable".
#
# The e2e tier (a real kind cluster) runs apart: as root, inside the network namespace that
# scripts/e2e.sh creates for dockerd, the kind node and its pods; kn, kubectl and curl run there
# too (nsenter --net), and the namespace is removed afterwards, also when a test fails.
#
#   npm test                 # all tiers: unit, integration, dataplane, quickstart, then e2e
#   npm test -- unit         # one tier (unit needs no API server)
#   npm test -- e2e          # the real kind cluster tier alone (root; see docs/testing.md)
#   npm test -- test/integration/kube.test.ts   # some files (test/e2e/ files run as the e2e tier)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The e2e tier: set up (cached), run its files in the namespace, tear down whatever happens.
run_e2e() {
  if [ "$(id -u)" != 0 ]; then
    echo "npm test: the e2e tier needs root (it creates a network namespace and runs dockerd there): run as root, or run the other tiers with KN_TS_SKIP_E2E=1 npm test" >&2
    return 1
  fi
  trap 'bash scripts/e2e.sh down' EXIT
  trap 'exit 130' INT TERM
  # Knative's conformance tests and test images for test/e2e/upstream.test.ts, built (once, cached
  # in ~/.cache/kn-ts/conformance) while this namespace still has the Go module proxy; the test says
  # what is missing if this fails. Only when that file runs (a few minutes on a fresh machine).
  if [[ " $* " == *upstream.test.ts* ]]; then
    KN_TS_CONFORMANCE="$(scripts/build-conformance.sh)" && export KN_TS_CONFORMANCE || true
  fi
  # Explicit returns: set -e does not apply where run_e2e's status is tested.
  bash scripts/e2e.sh up || return 1
  eval "$(bash scripts/e2e.sh env)" || return 1
  local ns=(nsenter "--net=/run/netns/$KN_E2E_NETNS")
  if "${ns[@]}" ip route get 1.1.1.1 >/dev/null 2>&1; then
    echo "npm test: the e2e namespace has a route off this machine; refusing to run" >&2; return 1
  fi
  local e2e_tmp; e2e_tmp=$(mktemp -d)
  # The cluster's kubeconfig goes to a file of the run, never to the user's ~/.kube/config.
  # One node --test per file, in the order given: node sorts the files of one run, and kind.test.ts
  # must come first (it starts from no cluster).
  local f rc=0
  for f in "$@"; do
    "${ns[@]}" env PATH="$KN_E2E_PATH:$PATH" KUBECONFIG="$e2e_tmp/kubeconfig" TMPDIR="$e2e_tmp" CI=1 \
      node --test --test-timeout=900000 --test-reporter=spec "$f" || rc=1
  done
  rm -rf "$e2e_tmp"
  return "$rc"
}

# kind.test.ts first: it starts from no cluster (quickstart failures, then from nothing); the other
# files reuse the cluster it leaves (test/e2e/env.ts ensureCluster()).
# Files not yet green on this kind of machine run only with KN_TS_E2E_UNPROVEN=1 (docs/testing.md):
# (none at the moment: the list stays for the next scenario that is written before it is green).
UNPROVEN=()
E2E_FILES=(test/e2e/kind.test.ts)
for f in test/e2e/*.test.ts; do
  [ "$f" = test/e2e/kind.test.ts ] && continue
  if [ -z "${KN_TS_E2E_UNPROVEN:-}" ] && [[ " ${UNPROVEN[*]} " == *" $f "* ]]; then continue; fi
  E2E_FILES+=("$f")
done

if [ -z "${KN_TS_IN_NETNS:-}" ]; then
  export PATH="$(scripts/node24.sh):$PATH"
  [ -d node_modules ] || npm ci
  npm run --silent build
  tier="${1:-all}"
  e2e=0
  case "$tier" in
    e2e) e2e=only ;;
    all) [ -n "${KN_TS_SKIP_E2E:-}" ] || e2e=1 ;;
    test/e2e/*) e2e=only ;;
  esac
  if [ "$e2e" = only ]; then
    files=("${E2E_FILES[@]}"); [ "$tier" = e2e ] || files=("$@")
    run_e2e "${files[@]}"; exit $?
  fi
  # The API server binaries are built (once, cached) before the network goes away.
  case "$tier" in
    unit) ;;
    *) KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)"; export KN_TS_TEST_BINS
       KN_TS_UPSTREAM_KN="$(scripts/build-upstream-kn.sh)"; export KN_TS_UPSTREAM_KN ;; # upstream kn + its e2e tests
  esac
  command -v unshare >/dev/null || { echo "npm test: unshare (util-linux) is needed to isolate the network" >&2; exit 1; }
  if [ "$e2e" = 0 ]; then exec unshare -rn env KN_TS_IN_NETNS=1 bash "$0" "$@"; fi
  # The e2e tier runs beside the other tiers: it mostly waits (pods, windows, cron ticks) while they
  # mostly compute, so the whole run takes about as long as the longer of the two. Its output is
  # kept in a file and printed after the other tiers' (two spec reporters interleaved are
  # unreadable). KN_TS_E2E_SERIAL=1 runs it after them instead.
  if [ -n "${KN_TS_E2E_SERIAL:-}" ]; then
    unshare -rn env KN_TS_IN_NETNS=1 bash "$0" fast && fast=0 || fast=$?
    (run_e2e "${E2E_FILES[@]}") && e2e_rc=0 || e2e_rc=$?
  else
    e2e_log=$(mktemp -t kn-ts-e2e.XXXXXX.log)
    echo "npm test: the e2e tier runs beside the other tiers; its output follows theirs (live: tail -f $e2e_log)"
    (run_e2e "${E2E_FILES[@]}") >"$e2e_log" 2>&1 &
    e2e_pid=$!
    trap 'kill -TERM "$e2e_pid" 2>/dev/null; wait "$e2e_pid" 2>/dev/null; exit 130' INT TERM
    unshare -rn env KN_TS_IN_NETNS=1 bash "$0" fast && fast=0 || fast=$?
    wait "$e2e_pid" && e2e_rc=0 || e2e_rc=$?
    trap - INT TERM
    echo "npm test: ---- the e2e tier ----"
    cat "$e2e_log"; rm -f "$e2e_log"
  fi
  [ "$fast" = 0 ] && [ "$e2e_rc" = 0 ] && exit 0
  echo "npm test: failed (unit/integration/dataplane/quickstart: exit $fast; e2e: exit $e2e_rc)" >&2
  exit 1
fi

ip link set lo up 2>/dev/null || true
if ip route get 1.1.1.1 >/dev/null 2>&1; then
  echo "npm test: the network namespace has a route off this machine; refusing to run" >&2
  exit 1
fi

files=()
setup=(--test-global-setup=test/harness/global-setup.ts)
case "${1:-all}" in
  # Every tier but e2e (which runs apart, see above).
  all|fast) shopt -s globstar; for f in test/**/*.test.ts; do [[ "$f" == test/e2e/* ]] || files+=("$f"); done ;;
  unit) files=('test/unit/**/*.test.ts'); setup=() ;;
  integration|dataplane|quickstart) files=("test/$1/**/*.test.ts") ;;
  *) files=("$@") ;;
esac

exec node --test --test-concurrency="${KN_TS_TEST_CONCURRENCY:-3}" --test-timeout=300000 \
  --test-reporter=spec "${setup[@]}" "${files[@]}"
