#!/usr/bin/env bash
# Builds upstream kn and its e2e test binary (knative.dev/client test/e2e) from the Go module proxy,
# for test/integration/upstream-kn.test.ts. Nothing of upstream is committed: a go.mod that requires
# knative.dev/client is written into the cache and `go build` / `go test -c` do the rest. Idempotent:
# once both binaries are cached it prints their folder and does nothing else.
#
#   scripts/build-upstream-kn.sh        # build (or reuse) and print the folder (kn, e2e.test)
#
# The version is the newest the proxy lets us build (v0.43.0 and later need a knative.dev/client/pkg
# module the proxy does not serve; docs/compatibility.md). The checksum database has no entry for
# knative.dev/client, hence GONOSUMDB.
# Cache: ${KN_TS_CACHE:-~/.cache/kn-ts}/upstream-kn/<version>/
set -euo pipefail
version="${KN_TS_UPSTREAM_KN_VERSION:-v0.42.0}"
cache="${KN_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kn-ts}"
out="$cache/upstream-kn/$version"
if [ -x "$out/kn" ] && [ -x "$out/e2e.test" ]; then echo "$out"; exit 0; fi

command -v go >/dev/null || { echo "build-upstream-kn: Go is needed to build upstream kn (only for tests); install Go 1.26+" >&2; exit 1; }
mkdir -p "$out/mod"
cd "$out/mod"
printf 'module kn-ts.dev/test/upstream-kn\n\ngo 1.22\n\nrequire knative.dev/client %s\n' "$version" > go.mod
export GONOSUMDB='knative.dev/*' GOFLAGS=-mod=mod CGO_ENABLED=0
start=$(date +%s)
echo "build-upstream-kn: building kn $version and its e2e tests (first time only)" >&2
if [ ! -x "$out/kn" ]; then
  go build -trimpath -o "$out/kn.tmp" knative.dev/client/cmd/kn
  mv "$out/kn.tmp" "$out/kn"
fi
go test -c -tags e2e -trimpath -o "$out/e2e.test.tmp" knative.dev/client/test/e2e
mv "$out/e2e.test.tmp" "$out/e2e.test"
echo "build-upstream-kn: built in $(( $(date +%s) - start ))s in $out" >&2
echo "$out"
