#!/usr/bin/env bash
# Installs kn-ts's `kn` for this user: Node 24 (scripts/node24.sh), the dependencies, a build, and a
# small `kn` launcher in ~/.local/bin (or $KN_BIN_DIR) that runs it on Node 24 whatever `node` is
# first on PATH. Idempotent.
#
#   bash scripts/install.sh && ~/.local/bin/kn quickstart kind
#
# `npm ci` shows its progress (registry requests answered, every 10 s) and is stopped after
# KN_INSTALL_TIMEOUT seconds (default 600) with one line naming the cause and the fix: a silent
# wait on an unreachable registry is never the outcome.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
nodebin="$(bash scripts/node24.sh)"
export PATH="$nodebin:$PATH"

limit="${KN_INSTALL_TIMEOUT:-600}"
[[ "$limit" =~ ^[1-9][0-9]*$ ]] || { echo "install: KN_INSTALL_TIMEOUT must be a number of seconds, not '$limit'" >&2; exit 2; }
log="$(mktemp "${TMPDIR:-/tmp}/kn-ts-npm-ci.XXXXXX")"
registry="$(npm config get registry 2>/dev/null || echo 'the npm registry')"

# npm's own defaults wait up to 5 minutes per request and retry: bound each request instead.
echo "install: npm ci (dependencies from $registry; log: $log)"
npm ci --no-audit --no-fund --prefer-offline --loglevel=http \
  --fetch-timeout=60000 --fetch-retries=2 --fetch-retry-mintimeout=5000 --fetch-retry-maxtimeout=20000 \
  >"$log" 2>&1 &
pid=$!
stop_npm() { pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; }
trap 'stop_npm; exit 130' INT TERM

answered() { grep -c 'http fetch' "$log" || true; }
start=$SECONDS last_count=0 last_change=$SECONDS next_report=10
while kill -0 "$pid" 2>/dev/null; do
  sleep 1
  elapsed=$((SECONDS - start))
  count=$(answered)
  if [ "$count" != "$last_count" ]; then last_count=$count last_change=$SECONDS; fi
  if [ "$elapsed" -ge "$next_report" ]; then
    echo "install: npm ci ${elapsed}s: $count registry requests answered"
    next_report=$((elapsed + 10))
  fi
  if [ "$elapsed" -ge "$limit" ]; then
    stop_npm
    wait "$pid" 2>/dev/null || true
    quiet=$((SECONDS - last_change))
    if npm ping --fetch-timeout=10000 --fetch-retries=0 >/dev/null 2>&1; then
      cause="the registry answers, but slowly ($count requests answered, none in the last ${quiet}s)"
      fix="retry, or set KN_INSTALL_TIMEOUT=<seconds> to wait longer"
    else
      cause="$registry does not answer from here ($count requests answered, none in the last ${quiet}s)"
      fix="check the network or the proxy (npm config get https-proxy), or point npm at a reachable mirror (npm config set registry <url>), then run scripts/install.sh again"
    fi
    echo "install: npm ci did not finish in ${limit}s: $cause; $fix (log: $log)" >&2
    exit 1
  fi
done
trap - INT TERM
if ! wait "$pid"; then
  why=$(grep -E '^npm (error|ERR!)' "$log" | grep -vE 'A complete log|^npm (error|ERR!) *$' | head -n 2 | sed -E 's/^npm (error|ERR!) *//' | paste -sd ' ' - || true)
  echo "install: npm ci failed: ${why:-see the log}; fix the cause and run scripts/install.sh again (log: $log)" >&2
  exit 1
fi
echo "install: $(grep -E '^(added|removed|changed|up to date)' "$log" | tail -n 1 || echo 'dependencies installed')"
rm -f "$log"

npm run --silent build
bindir="${KN_BIN_DIR:-$HOME/.local/bin}"
mkdir -p "$bindir"
cat > "$bindir/kn" <<LAUNCHER
#!/bin/sh
exec "$nodebin/node" -- "$repo/bin/run.js" "\$@"
LAUNCHER
chmod +x "$bindir/kn"
echo "install: kn is $bindir/kn ($("$bindir/kn" version --client | head -n 1))"
case ":$PATH:" in *":$bindir:"*) ;; *) echo "install: add $bindir to your PATH to type plain 'kn'" ;; esac
