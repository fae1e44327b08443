#!/usr/bin/env bash
# bench/quickstart/kind.ts on a real kind cluster: sets up the e2e tier's machine (scripts/e2e.sh,
# cached), runs the benchmark inside its network namespace, and tears it down whatever happens.
#
#   bash bench/quickstart/kind.sh        # as root
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$(bash scripts/node24.sh):$PATH"
npm run --silent build
trap 'bash scripts/e2e.sh down' EXIT
bash scripts/e2e.sh up
eval "$(bash scripts/e2e.sh env)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; bash scripts/e2e.sh down' EXIT
nsenter --net="/run/netns/$KN_E2E_NETNS" env PATH="$KN_E2E_PATH:$PATH" KUBECONFIG="$tmp/kubeconfig" TMPDIR="$tmp" \
  node bench/quickstart/kind.ts
