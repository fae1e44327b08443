#!/usr/bin/env bash
# Builds Knative's own conformance tests and the test images they deploy, from the Go module proxy,
# for test/e2e/upstream.test.ts. Nothing of upstream is committed: a go.mod that requires the
# modules is written into the cache and `go test -c` / `go build` do the rest. Idempotent: what is
# cached is reused.
#
#   scripts/build-conformance.sh            # build (or reuse) and print the folder
#
# In the folder:
#   serving-conformance.test   knative.dev/serving test/conformance/api/v1 (tag e2e)
#   ingress-conformance.test   knative.dev/networking test/conformance/ingress (tag e2e)
#   images/serving/<name>      static binaries of serving's test/test_images
#   images/networking/<name>   static binaries of networking's test/test_images
# The e2e test wraps each binary in a FROM-scratch image (as scripts/e2e.sh's scratch_image) and
# `kind load`s it; nothing is pulled from a registry.
#
# Versions: serving v0.42.0 (the release of upstream kn v0.42.0, scripts/build-upstream-kn.sh) and
# the networking commit that serving release requires. The checksum database has no entry for
# knative.dev modules, hence GONOSUMDB.
# Cache: ${KN_TS_CACHE:-~/.cache/kn-ts}/conformance/<serving version>/
set -euo pipefail
serving="${KN_TS_SERVING_VERSION:-v0.42.0}"
networking="${KN_TS_NETWORKING_VERSION:-v0.0.0-20240716111826-bab7f2a3e556}"
cache="${KN_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kn-ts}"
out="$cache/conformance/$serving"
SERVING_IMAGES="helloworld pizzaplanetv1 pizzaplanetv2 singlethreaded timeout failing hellovolume volumes autoscale multicontainer/servingcontainer multicontainer/sidecarcontainer"
NET_IMAGES="runtime timeout wsserver"

# The marker names the image lists: a longer list builds what is missing.
done_marker="$out/.complete-$(echo "$SERVING_IMAGES $NET_IMAGES" | cksum | cut -d" " -f1)"
if [ -f "$done_marker" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { echo "build-conformance: Go is needed to build Knative's conformance tests (only for tests)" >&2; exit 1; }
mkdir -p "$out/mod" "$out/images/serving" "$out/images/networking"
cd "$out/mod"
printf 'module kn-ts.dev/test/conformance\n\ngo 1.22\n\nrequire (\n\tknative.dev/serving %s\n\tknative.dev/networking %s\n)\n' "$serving" "$networking" > go.mod
export GONOSUMDB='knative.dev/*' GOFLAGS=-mod=mod CGO_ENABLED=0
start=$(date +%s)
echo "build-conformance: building serving $serving and networking conformance tests and test images (first time only)" >&2
[ -x "$out/serving-conformance.test" ] || go test -c -tags e2e -trimpath -o "$out/serving-conformance.test" knative.dev/serving/test/conformance/api/v1
[ -x "$out/ingress-conformance.test" ] || go test -c -tags e2e -trimpath -o "$out/ingress-conformance.test" knative.dev/networking/test/conformance/ingress
for i in $SERVING_IMAGES; do [ -x "$out/images/serving/${i##*/}" ] || go build -trimpath -o "$out/images/serving/${i##*/}" "knative.dev/serving/test/test_images/$i"; done
for i in $NET_IMAGES; do [ -x "$out/images/networking/$i" ] || go build -trimpath -o "$out/images/networking/$i" "knative.dev/networking/test/test_images/$i"; done
touch "$done_marker"
echo "build-conformance: built in $(( $(date +%s) - start ))s in $out" >&2
echo "$out"
