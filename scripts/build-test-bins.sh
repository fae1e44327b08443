#!/usr/bin/env bash
# Builds the real kube-apiserver, kube-controller-manager and etcd that the test tiers run
# (and kubectl, the Go baseline of the benchmarks),
# from the Go module proxy, pinned by test/cluster/bins/go.mod. Idempotent: once the binaries
# for the pinned versions are in the cache, it prints their folder and does nothing else.
#
#   scripts/build-test-bins.sh          # build (or reuse) and print the bin folder
#
# Cache: ${KN_TS_CACHE:-~/.cache/kn-ts}/cluster-bins/<k8s>-<etcd>/
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mod="$here/test/cluster/bins"
k8s=$(awk '$1=="k8s.io/kubernetes"{print $2; exit}' "$mod/go.mod")
etcd=$(awk '$1=="go.etcd.io/etcd/server/v3"{print $2; exit}' "$mod/go.mod")
cache="${KN_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kn-ts}"
out="$cache/cluster-bins/$k8s-$etcd"
want=(etcd kube-apiserver kube-controller-manager kubectl)

have=1
for b in "${want[@]}"; do [ -x "$out/$b" ] || have=0; done
if [ "$have" = 1 ]; then echo "$out"; exit 0; fi

command -v go >/dev/null || { echo "build-test-bins: Go is needed to build the test API server (only for tests); install Go 1.26+" >&2; exit 1; }
mkdir -p "$out.tmp"
# Keep what an earlier, smaller build left (the list grew over time).
[ -d "$out" ] && cp -a "$out"/. "$out.tmp"/ 2>/dev/null || true
start=$(date +%s)
cd "$mod"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
build() { # name package
  [ -x "$out.tmp/$1" ] && return 0
  echo "build-test-bins: building $1 ($2)" >&2
  go build -trimpath -ldflags='-s -w' -o "$out.tmp/$1" "$2"
}
build etcd go.etcd.io/etcd/server/v3
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
# kubectl is the Go baseline of the CLI benchmarks (same release as the API server).
build kubectl k8s.io/kubernetes/cmd/kubectl
rm -rf "$out" && mv "$out.tmp" "$out"
echo "build-test-bins: built in $(( $(date +%s) - start ))s, $(du -sh "$out" | cut -f1) in $out" >&2
echo "$out"
