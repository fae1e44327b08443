#!/usr/bin/env bash
# Installs Node.js 24 LTS from the npm registry's per-platform `node-<os>-<arch>` package (the
# same binaries the `node` package installs, fetched without running any install script) into a
# cache, and prints its bin folder. Idempotent: a second run only prints the folder.
#
#   export PATH="$(scripts/node24.sh):$PATH"
#
# The version is pinned in .node-version at the repository's top (the one place every script, CI, the
# Dockerfile check and the README read); NODE24_VERSION overrides it for a one-off try.
set -euo pipefail
cache="${KN_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kn-ts}/node"
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "node24: unsupported OS $(uname -s)" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) echo "node24: unsupported CPU $(uname -m)" >&2; exit 1 ;; esac
pkg="node-$os-$arch"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want="${NODE24_VERSION:-$(tr -d ' \n' < "$here/.node-version")}"
[[ "$want" =~ ^24\.[0-9]+\.[0-9]+$ ]] || { echo "node24: .node-version must name an exact 24.x.y release, not '$want'" >&2; exit 1; }

# Reuse the cached release when it is there.
if [ -x "$cache/$want/bin/node" ] && [ -e "$cache/$want/bin/npm" ]; then echo "$cache/$want/bin"; exit 0; fi

command -v npm >/dev/null || { echo "node24: npm is needed once to fetch Node 24 (any Node/npm will do)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "node24: fetching $pkg@$want from the npm registry" >&2
file=$(cd "$tmp" && npm pack --silent "$pkg@$want" 2>/dev/null | tail -n 1)
tar -xzf "$tmp/$file" -C "$tmp"
v=$("$tmp/package/bin/node" --version); v=${v#v}
mkdir -p "$cache"
rm -rf "$cache/$v" && mv "$tmp/package" "$cache/$v"
# The package ships node only; give it the npm of the machine-independent `npm` package.
if [ ! -e "$cache/$v/bin/npm" ]; then
  (cd "$tmp" && npm pack --silent npm@11.21.3 >/dev/null 2>&1 && mkdir npm && tar -xzf npm-*.tgz -C npm)
  mkdir -p "$cache/$v/lib/node_modules" && mv "$tmp/npm/package" "$cache/$v/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$cache/$v/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$cache/$v/bin/npx"
fi
echo "node24: Node $v in $cache/$v" >&2
echo "$cache/$v/bin"
