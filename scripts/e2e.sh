#!/usr/bin/env bash
# The e2e tier's machine: a real kind cluster with no image registry, every packet of it inside one
# network namespace that this script creates.
#
#   scripts/e2e.sh up     # packages, pinned Go binaries, offline images, dockerd in the namespace
#   scripts/e2e.sh down   # delete kind clusters, stop dockerd, remove the namespace (keeps the cache)
#   scripts/e2e.sh env    # print the environment the tests run with (sourceable)
#   scripts/e2e.sh bins   # only the Go binaries (kind, crictl, Kubernetes) into the cache
#
# Idempotent: what is cached (~/.cache/kn-ts/e2e) is reused, so a warm `up` takes seconds.
# Network safety: dockerd, its bridges, the kind node and every pod live in namespace $KN_E2E_NETNS
# (loopback and docker's bridges only). Run kn/kubectl/curl for the cluster under
# `nsenter --net=/run/netns/$KN_E2E_NETNS`; nothing is pulled (a pull fails: network unreachable).
# Why each workaround exists: docs/testing.md ("The e2e tier").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="${KN_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kn-ts}"
E2E="$cache/e2e"
NETNS="${KN_E2E_NETNS:-kn-e2e}"
RUN="${KN_E2E_RUN:-/run/kn-e2e}"          # dockerd's socket, pid, exec root: gone with the machine
# dockerd's data root (the built images). Two tiers at once on one machine need two of each of
# these three: KN_E2E_NETNS, KN_E2E_RUN and a copy of the data root (cp -a while no dockerd uses it).
DATA="${KN_E2E_DATA_ROOT:-$E2E/docker}"
mod="$here/test/cluster/bins"
K8S=$(awk '$1=="k8s.io/kubernetes"{print $2; exit}' "$mod/go.mod")
ETCD=$(awk '$1=="go.etcd.io/etcd/server/v3"{print $2; exit}' "$mod/go.mod")
KIND_VER=v0.33.0
CRICTL_VER=v1.37.0
# The images kubeadm $K8S asks for (its constants); built here from the binaries, never pulled.
PAUSE_TAG=3.10.2
ETCD_TAG=${ETCD#v}-0
COREDNS_TAG=v1.14.2
NODE_IMAGE="kn-ts.local/kind-node:$K8S"
K8S_BINS="$E2E/k8s-$K8S-etcd$ETCD"
BIN="$E2E/bin"
export DOCKER_HOST="unix://$RUN/docker.sock"
NSENTER=(nsenter "--net=/run/netns/$NETNS")

log() { echo "e2e: $*" >&2; }
phase_start=0
phase() { # name: end the previous phase (printing its time), start the next
  local now; now=$(date +%s.%N)
  [ -n "${phase_name:-}" ] && awk -v n="$phase_name" -v a="$phase_start" -v b="$now" 'BEGIN { printf "e2e: %-28s %6.1fs\n", n, b - a }' >&2
  phase_name=${1:-}; phase_start=$now
}
# Debian's docker client matches Debian's dockerd (a newer static CLI may sit earlier on PATH).
docker() { /usr/bin/docker "$@"; }

packages() {
  local need=()
  for p in docker.io containerd runc containernetworking-plugins debootstrap jq busybox-static gcc libc6-dev iproute2 curl; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts the packaged daemons; this tier runs its own dockerd in its namespace only.
  systemctl disable --now docker.service docker.socket containerd.service >/dev/null 2>&1 || true
}

gobins() {
  command -v go >/dev/null || { echo "e2e: Go 1.26+ is needed to build kind, crictl and Kubernetes" >&2; exit 1; }
  mkdir -p "$BIN" "$K8S_BINS"
  [ -x "$BIN/kind-$KIND_VER" ] || { log "building kind $KIND_VER"; GOBIN="$BIN/.tmp" CGO_ENABLED=0 go install -trimpath -ldflags='-s -w' "sigs.k8s.io/kind@$KIND_VER" && mv "$BIN/.tmp/kind" "$BIN/kind-$KIND_VER"; }
  [ -x "$BIN/crictl-$CRICTL_VER" ] || { log "building crictl $CRICTL_VER"; GOBIN="$BIN/.tmp" CGO_ENABLED=0 go install -trimpath -ldflags='-s -w' "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VER" && mv "$BIN/.tmp/crictl" "$BIN/crictl-$CRICTL_VER"; }
  [ -x "$BIN/coredns-$COREDNS_TAG" ] || { log "building coredns $COREDNS_TAG"; GOBIN="$BIN/.tmp" CGO_ENABLED=0 go install -trimpath -ldflags='-s -w' "github.com/coredns/coredns@$COREDNS_TAG" && mv "$BIN/.tmp/coredns" "$BIN/coredns-$COREDNS_TAG"; }
  ln -sf "kind-$KIND_VER" "$BIN/kind"
  local want=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd) b missing=()
  for b in "${want[@]}"; do [ -x "$K8S_BINS/$b" ] || missing+=("$b"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  # A copy of test/cluster/bins (same go.mod pins) importing the node's extra commands too; built
  # into this cache only, so it never races scripts/build-test-bins.sh's output folder.
  local m="$E2E/gomod"; rm -rf "$m"; mkdir -p "$m"
  cp "$mod/go.mod" "$mod/go.sum" "$m/"
  cat > "$m/tools.go" <<'GO'
//go:build tools

package bins

import (
	_ "go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/kubectl/pkg/cmd"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	_ "k8s.io/kubernetes/cmd/kube-proxy/app"
	_ "k8s.io/kubernetes/cmd/kube-scheduler/app"
	_ "k8s.io/kubernetes/cmd/kubeadm/app"
	_ "k8s.io/kubernetes/cmd/kubelet/app"
)
GO
  # kubeadm and the kubelet compare versions: stamp the release into every binary.
  local ld="-s -w" minor p
  minor=$(echo "$K8S" | cut -d. -f2)
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  for b in "${missing[@]}"; do
    log "building $b $K8S"
    if [ "$b" = etcd ]; then
      (cd "$m" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags='-s -w' -o "$K8S_BINS/.etcd" go.etcd.io/etcd/server/v3)
    else
      (cd "$m" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags="$ld" -o "$K8S_BINS/.$b" "k8s.io/kubernetes/cmd/$b")
    fi
    mv "$K8S_BINS/.$b" "$K8S_BINS/$b"
  done
}

# Privileged containers ask for every capability, and runc fails ("unable to apply caps: operation
# not permitted") where the machine's bounding set lacks CAP_SYS_RESOURCE: drop it before runc.
runc_wrapper() {
  mkdir -p "$BIN"
  cat > "$BIN/.runc-nosysres" <<'SH'
#!/bin/bash
strip() { [ -f "$1" ] || return 0; jq "$2 |= (if . == null then null else with_entries(.value |= ((. // []) | map(select(. != \"CAP_SYS_RESOURCE\")))) end)" "$1" > "$1.nsr" && mv "$1.nsr" "$1"; }
args=("$@")
for ((i=0; i<${#args[@]}; i++)); do
  case "${args[$i]}" in
    --bundle|-b) strip "${args[$((i+1))]}/config.json" '.process.capabilities' ;;
    --bundle=*) strip "${args[$i]#--bundle=}/config.json" '.process.capabilities' ;;
    --process|-p) strip "${args[$((i+1))]}" '.capabilities' ;;
    --process=*) strip "${args[$i]#--process=}" '.capabilities' ;;
  esac
done
exec /usr/sbin/runc "$@"
SH
  chmod +x "$BIN/.runc-nosysres"; mv "$BIN/.runc-nosysres" "$BIN/runc-nosysres"
}

netns_up() {
  [ -e "/run/netns/$NETNS" ] || ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
  if "${NSENTER[@]}" ip route get 1.1.1.1 >/dev/null 2>&1; then
    echo "e2e: network namespace $NETNS has a route off this machine; refusing to start dockerd in it" >&2; exit 1
  fi
}

dockerd_up() {
  docker info >/dev/null 2>&1 && return 0
  mkdir -p "$RUN" "$DATA"
  # nsenter --net, not `ip netns exec`: the latter remounts /sys and hides the cgroup mounts
  # ("failed to start daemon: Devices cgroup isn't mounted"). The data root persists in the cache:
  # the built images survive `down`, so a warm `up` only starts the daemon.
  setsid "${NSENTER[@]}" dockerd --data-root "$DATA" --exec-root "$RUN/exec" --pidfile "$RUN/dockerd.pid" \
    -H "$DOCKER_HOST" --add-runtime nosysres="$BIN/runc-nosysres" --default-runtime nosysres \
    --containerd-namespace kn-e2e --containerd-plugins-namespace kn-e2e-plugins \
    > "$RUN/dockerd.log" 2>&1 < /dev/null &
  local i
  for i in $(seq 120); do docker info >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "e2e: dockerd did not start; its log: $RUN/dockerd.log" >&2; tail -5 "$RUN/dockerd.log" >&2; exit 1
}

# A one-binary image FROM scratch: name binary
scratch_image() {
  local name=$1 bin=$2 d; d=$(mktemp -d)
  mkdir -p "$d/tmp"; cp "$bin" "$d/"
  printf 'FROM scratch\nCOPY tmp /tmp\nCOPY %s /usr/local/bin/%s\nENV PATH=/usr/local/bin:/bin\nENTRYPOINT ["/usr/local/bin/%s"]\n' \
    "$(basename "$bin")" "$(basename "$bin")" "$(basename "$bin")" > "$d/Dockerfile"
  docker build -q --network=none -t "$name" "$d" >/dev/null; rm -rf "$d"
}

# The Debian mirror this machine's apt already uses.
debian_mirror() {
  # Some of these files may not exist (grep exits 2 for them): only the matches count.
  { grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
    | grep -oE 'https?://[^ ]+/debian/?$' | head -1
}

# The kind node image, offline: a debootstrap rootfs + kind's base files (from the kind Go module) +
# the Kubernetes binaries, with kubeadm's images preloaded into its containerd store.
node_image() {
  # The label says which cluster DNS is preloaded: an image from before CoreDNS is rebuilt.
  [ "$(docker image inspect -f '{{index .Config.Labels "kn-ts.coredns"}}' "$NODE_IMAGE" 2>/dev/null)" = "$COREDNS_TAG" ] && return 0
  local R="$E2E/noderoot" files mirror
  files=$(cd "$E2E/gomod" 2>/dev/null && go env GOMODCACHE || go env GOMODCACHE)/sigs.k8s.io/kind@$KIND_VER/images/base/files
  [ -d "$files" ] || GOFLAGS=-mod=mod go mod download "sigs.k8s.io/kind@$KIND_VER"
  if [ ! -x "$R/usr/bin/containerd" ]; then
    rm -rf "$R"; mirror=$(debian_mirror)
    [ -n "$mirror" ] || { echo "e2e: no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
    log "debootstrap bookworm from $mirror"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,iptables,iproute2,mount,procps,kmod,util-linux,ca-certificates,conntrack,ethtool,socat,containerd,runc,containernetworking-plugins,libseccomp2,pigz,jq,curl \
      bookworm "$R" "$mirror" > "$E2E/debootstrap.log" 2>&1 || { tail -5 "$E2E/debootstrap.log" >&2; exit 1; }
    rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/*
  fi
  install -m 0755 "$files"/usr/local/bin/* "$R/usr/local/bin/"
  mkdir -p "$R/kind/manifests" "$R/etc/containerd" "$R/etc/systemd/system/kubelet.service.d" "$R/etc/cni/net.d" "$R/opt/cni/bin"
  cp -r "$files"/kind/* "$R/kind/"; chmod 0755 "$R/kind" "$R/kind/bin" "$R"/kind/bin/*
  cp "$files/etc/crictl.yaml" "$R/etc/"; cp "$files/etc/containerd/config.toml" "$R/etc/containerd/"
  cp "$files"/etc/sysctl.d/* "$R/etc/sysctl.d/"
  cp "$files"/etc/systemd/system/*.service "$files"/etc/systemd/system/*.slice "$R/etc/systemd/system/"
  cp "$files"/etc/systemd/system/kubelet.service.d/* "$R/etc/systemd/system/kubelet.service.d/"
  chmod -R a+rX "$R/etc/systemd/system" "$R/etc/containerd"
  chroot "$R" /bin/sh -ec 'find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
    rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* /lib/systemd/system/local-fs.target.wants/* \
      /lib/systemd/system/sockets.target.wants/*udev* /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*
    grep -q ReadKMsg=no /etc/systemd/journald.conf || echo ReadKMsg=no >> /etc/systemd/journald.conf
    ln -sf /usr/lib/systemd/systemd /sbin/init; mkdir -p /etc/kubernetes/manifests
    ln -sf /usr/bin/containerd /usr/local/bin/containerd; ln -sf /usr/bin/ctr /usr/local/bin/ctr; ln -sf /usr/sbin/runc /usr/local/sbin/runc
    for p in /usr/lib/cni/*; do ln -sf $p /opt/cni/bin/; done
    systemctl enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1; systemctl mask systemd-binfmt.service >/dev/null 2>&1'
  ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer|length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
    | jq 'del(.process.rlimits)' > "$R/etc/containerd/cri-base.json"
  # kubeadm's pause tag; restrict_oom_score_adj because runc cannot lower oom_score_adj without
  # CAP_SYS_RESOURCE (every pod sandbox fails "can't get final child's PID from pipe: EOF" otherwise).
  sed -i "s|sandbox_image = .*|sandbox_image = \"registry.k8s.io/pause:$PAUSE_TAG\"|; s|restrict_oom_score_adj = false|restrict_oom_score_adj = true|" "$R/etc/containerd/config.toml"
  # kubelet >= 1.35 refuses cgroup v1 (this machine's hybrid layout) unless told otherwise.
  echo 'KUBELET_EXTRA_ARGS=--runtime-cgroups=/system.slice/containerd.service --fail-cgroupv1=false' > "$R/etc/default/kubelet"
  install -m 0755 "$K8S_BINS/kubeadm" "$K8S_BINS/kubelet" "$K8S_BINS/kubectl" "$R/usr/bin/"
  install -m 0755 "$BIN/crictl-$CRICTL_VER" "$R/usr/local/bin/crictl"
  echo "$K8S" > "$R/kind/version"
  # No kindnetd or local-path images: a static bridge CNI config, a StorageClass without provisioner.
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: static-cni, namespace: kube-system}\ndata: {cni: "bridge 10.244.0.0/24"}\n' > "$R/kind/manifests/default-cni.yaml"
  printf 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: "true"}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n' > "$R/kind/manifests/default-storage.yaml"
  cat > "$R/etc/cni/net.d/10-bridge.conflist" <<'JSON'
{"cniVersion": "0.4.0", "name": "kind-bridge", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}, {"type": "loopback"}]}
JSON
  # kube-proxy needs iptables: its image is the rootfs (without the preloaded images) + the binary.
  rm -rf "$R/var/lib/containerd"; mkdir -p "$R/var/lib/containerd"
  tar -C "$R" -c . | docker import -c 'ENV container=docker' - kn-ts.local/kind-base:raw >/dev/null
  control_plane_images
  # Preload kubeadm's images into the rootfs's containerd store with a throw-away containerd.
  local T="$E2E/tmpctd" cpid i; rm -rf "$T"; mkdir -p "$T"
  printf 'version = 2\nroot = "%s"\nstate = "%s/state"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "%s/c.sock"\n[ttrpc]\n  address = "%s/c.sock.ttrpc"\n' \
    "$R/var/lib/containerd" "$T" "$T" "$T" > "$T/config.toml"
  containerd --config "$T/config.toml" > "$T/log" 2>&1 & cpid=$!
  for i in $(seq 40); do [ -S "$T/c.sock" ] && break; sleep 0.25; done
  for i in kube-apiserver:$K8S kube-controller-manager:$K8S kube-scheduler:$K8S kube-proxy:$K8S etcd:$ETCD_TAG pause:$PAUSE_TAG coredns/coredns:$COREDNS_TAG; do
    docker save "registry.k8s.io/$i" | ctr --address "$T/c.sock" -n k8s.io images import --all-platforms --digests --snapshotter=overlayfs - >/dev/null
  done
  kill "$cpid"; wait "$cpid" 2>/dev/null || true; rm -rf "$T"
  tar -C "$R" -c . | docker import -c 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' -c 'ENV container=docker' - kn-ts.local/kind-node:raw >/dev/null
  # The legacy builder refuses `docker import -c STOPSIGNAL`: one more layer sets it.
  local d; d=$(mktemp -d); printf 'FROM kn-ts.local/kind-node:raw\nSTOPSIGNAL SIGRTMIN+3\nLABEL kn-ts.coredns=%s\n' "$COREDNS_TAG" > "$d/Dockerfile"
  docker build -q --network=none -t "$NODE_IMAGE" "$d" >/dev/null; rm -rf "$d"
  docker rmi kn-ts.local/kind-node:raw >/dev/null
  docker image prune -f >/dev/null  # the node image this one replaced, if any
  rm -rf "$R"
}

# The images kubeadm expects, from the static binaries: FROM scratch (kube-proxy on the node rootfs).
control_plane_images() {
  if [ ! -x "$BIN/pause" ]; then
    local c; c=$(mktemp -d)
    cat > "$c/pause.c" <<'C'
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void down(int s){ (void)s; _exit(0); }
static void reap(int s){ (void)s; while (waitpid(-1, 0, WNOHANG) > 0); }
int main(void){ struct sigaction a = {0}; a.sa_handler = down; sigaction(SIGINT,&a,0); sigaction(SIGTERM,&a,0);
  struct sigaction r = {0}; r.sa_handler = reap; r.sa_flags = SA_NOCLDSTOP; sigaction(SIGCHLD,&r,0); for(;;) pause(); }
C
    gcc -Os -static -o "$c/pause" "$c/pause.c" && strip "$c/pause" && mv "$c/pause" "$BIN/pause"; rm -rf "$c"
  fi
  scratch_image "registry.k8s.io/pause:$PAUSE_TAG" "$BIN/pause"
  local b; for b in kube-apiserver kube-controller-manager kube-scheduler; do scratch_image "registry.k8s.io/$b:$K8S" "$K8S_BINS/$b"; done
  scratch_image "registry.k8s.io/etcd:$ETCD_TAG" "$K8S_BINS/etcd"
  # Cluster DNS (brokers, channels and sources address Services by name): CoreDNS from the Go
  # module proxy. kubeadm's Deployment passes only args (-conf …), so the entrypoint is the binary.
  scratch_image "registry.k8s.io/coredns/coredns:$COREDNS_TAG" "$BIN/coredns-$COREDNS_TAG"
  local d; d=$(mktemp -d); cp "$K8S_BINS/kube-proxy" "$d/"
  printf 'FROM kn-ts.local/kind-base:raw\nCOPY kube-proxy /usr/local/bin/kube-proxy\nENTRYPOINT ["/usr/local/bin/kube-proxy"]\n' > "$d/Dockerfile"
  docker build -q --network=none -t "registry.k8s.io/kube-proxy:$K8S" "$d" >/dev/null; rm -rf "$d"
}

# node:24-slim, never pulled: a rootfs holding the pinned Node 24 (scripts/node24.sh) and its glibc.
node24_image() {
  local node; node="$(bash "$here/scripts/node24.sh")"; node=$(dirname "$node")
  local ver; ver=$("$node/bin/node" --version)
  [ "$(docker image inspect -f '{{index .Config.Labels "kn-ts.node"}}' node:24-slim 2>/dev/null)" = "$ver" ] && return 0
  local r; r=$(mktemp -d)
  mkdir -p "$r"/{bin,usr/bin,usr/local/bin,usr/local/lib,lib/x86_64-linux-gnu,lib64,etc,tmp,home/nonroot}; chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/"; local a; for a in sh ls cat env sleep; do ln -s busybox "$r/bin/$a"; done; ln -s ../../bin/busybox "$r/usr/bin/env"
  local l; for l in $(ldd "$node/bin/node" | awk '/=>/{print $3}'); do cp -L "$l" "$r/lib/x86_64-linux-gnu/"; done
  cp -L /lib64/ld-linux-x86-64.so.2 "$r/lib64/"; cp "$node/bin/node" "$r/usr/local/bin/"
  cp -a "$node/lib/node_modules" "$r/usr/local/lib/"; ln -s ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/bin/sh\n' > "$r/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nnonroot:x:65532:\n' > "$r/etc/group"
  tar -C "$r" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'CMD ["node"]' -c "LABEL kn-ts.node=$ver" - node:24-slim >/dev/null
  rm -rf "$r"
}

# The environment the e2e tests run with (also `scripts/e2e.sh env`).
print_env() {
  cat <<ENV
export KN_E2E_NETNS=$NETNS
export DOCKER_HOST=$DOCKER_HOST
export KN_E2E_NODE_IMAGE=$NODE_IMAGE
export KN_E2E_PATH=$RUN/bin
ENV
}

# Tools as a user has them, first on the tests' PATH: Debian's docker client (it matches the
# daemon), kind, kubectl of the cluster's release.
tool_path() {
  mkdir -p "$RUN/bin"
  ln -sf /usr/bin/docker "$RUN/bin/docker"; ln -sf "$BIN/kind-$KIND_VER" "$RUN/bin/kind"; ln -sf "$K8S_BINS/kubectl" "$RUN/bin/kubectl"
}

up() {
  local t0; t0=$(date +%s)
  [ "$(id -u)" = 0 ] || { echo "e2e: the tier needs root (network namespace, dockerd)" >&2; exit 1; }
  phase "packages"; packages
  phase "go binaries"; gobins
  phase "network namespace, dockerd"; runc_wrapper; netns_up; dockerd_up
  # The tier starts from nothing: no cluster or container left by an interrupted run.
  remove_clusters
  phase "node image"; node_image
  phase "node:24-slim image"; node24_image
  tool_path
  phase
  log "up in $(( $(date +%s) - t0 ))s; docker data root $(du -sh "$DATA" 2>/dev/null | cut -f1)"
}

remove_clusters() {
  local c; for c in $("$BIN/kind" get clusters 2>/dev/null); do "$BIN/kind" delete cluster --name "$c" >/dev/null 2>&1 || true; done
  docker ps -aq | xargs -r /usr/bin/docker rm -f >/dev/null 2>&1 || true
}

down() {
  docker info >/dev/null 2>&1 && remove_clusters
  if [ -f "$RUN/dockerd.pid" ]; then
    local pid; pid=$(cat "$RUN/dockerd.pid")
    if kill "$pid" 2>/dev/null; then
      local i; for i in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  umount "$RUN/exec"/*/netns/* 2>/dev/null || true
  [ -e "/run/netns/$NETNS" ] && ip netns del "$NETNS"
  rm -rf "$RUN"
  log "down: namespace $NETNS removed"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  env) print_env ;;
  bins) phase packages; packages; phase "go binaries"; gobins; phase ;;
  *) echo "usage: scripts/e2e.sh up|down|env|bins" >&2; exit 2 ;;
esac
exit
