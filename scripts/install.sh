#!/usr/bin/env bash
# Installs kn-ts's `kn` for this user: Node 24 (scripts/node24.sh), the dependencies, a build, and a
# small `kn` launcher in ~/.local/bin (or $KN_BIN_DIR) that runs it on Node 24 whatever `node` is
# first on PATH. Idempotent.
#
#   bash scripts/install.sh && ~/.local/bin/kn quickstart kind
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
nodebin="$(bash scripts/node24.sh)"
export PATH="$nodebin:$PATH"
npm ci --no-audit --no-fund
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
