#!/usr/bin/env bash
# real-node.sh - a real one-node Kubernetes 1.20 cluster on this machine, offline: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kube-proxy and a kubelet on containerd + runc + a CNI bridge.
#
#   scripts/real-node.sh up       start it (idempotent: a node that is up and Ready is left as it is)
#   scripts/real-node.sh down     stop everything it started and undo every change it made
#   scripts/real-node.sh status   print the state; exit 0 only when the node is Ready
#   scripts/real-node.sh import [ARCHIVE...]   import docker-archive images (default: target/images/*.tar)
#   scripts/real-node.sh env      print KUBECONFIG=… NODE_IP=… lines for scripts and tests
#
# Binaries: built once from Debian's `kubernetes` source package by scripts/kube-apiserver.sh (the same tree and
# make that give the API-server tests their binaries) and cached under ~/.cache/real-node/bin/<version>.
# Run state (containerd root, etcd data, certificates, logs): $REAL_NODE_DIR, default /tmp/bolometer-real-node.
#
# Addresses: the node's address is the CNI bridge's own, 10.88.0.1 (the bridge is made before the kubelet
# starts); pods get 10.88.0.0/16, services 10.0.0.0/24, etcd listens on loopback. Nothing outside this machine.
# Side effects outside $REAL_NODE_DIR (undone by `down`): /var/log/pods, /var/lib/cni, /run/netns, cgroups
# kubepods and k8s.io, the bridge rnbr0 and its veths, KUBE-* iptables chains, sysctls the kubelet sets
# (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops) and net.ipv4.ip_forward.
#
# Needs root, containerd, runc, the CNI plugins (installed from Debian's packages when missing), cgroup v1 or v2
# mounted, gcc (the sandbox image). Without root the command says so and exits 0 (tests that need the node then
# skip, loudly) - unless CI=true, where it fails.
set -Eeuo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
R=${REAL_NODE_DIR:-/tmp/bolometer-real-node}
RUN=$R/run; PKI=$RUN/pki; LOG=$RUN/logs
CSOCK=$R/containerd/containerd.sock
NODE=${NODE:-$(hostname | tr '[:upper:]' '[:lower:]')}
BRIDGE=rnbr0
NODE_IP=10.88.0.1
APORT=26443
KUBECONFIG_FILE=$RUN/admin.kubeconfig
T0=$(date +%s.%N)
el() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
log() { printf '[real-node +%ss] %s\n' "$(el)" "$*" >&2; }
die() { printf 'real-node: ERROR: %s\n' "$*" >&2; exit 1; }

# "Cannot run here": loud, and fatal only in CI.
cannot() {
  printf '\nreal-node: *** SKIPPED: %s ***\nreal-node: *** the *NodeIT tests will be skipped (they fail when CI=true) ***\n\n' "$*" >&2
  [ "${CI:-false}" = true ] && exit 1
  exit 0
}

node_bin_dir() {
  local stamp=${KUBE_APISERVER_CACHE:-$HOME/.cache/kube-apiserver}/setup.stamp d
  d=$(sed -n 's/^node_bin=//p' "$stamp" 2>/dev/null || true)
  [ -n "$d" ] && [ -x "$d/kubelet" ] && echo "$d"
}

prerequisites() {
  [ "$(id -u)" = 0 ] || cannot "a real node needs root (kubelet, containerd, network namespaces, iptables)"
  local need=() p
  command -v containerd >/dev/null 2>&1 || need+=(containerd)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  [ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
  command -v iptables >/dev/null 2>&1 || need+=(iptables)
  command -v conntrack >/dev/null 2>&1 || need+=(conntrack)
  command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} from Debian's packages"
    { DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${need[@]}"; } >"${TMPDIR:-/tmp}/real-node-apt.log" 2>&1 \
      || cannot "could not install ${need[*]} (see ${TMPDIR:-/tmp}/real-node-apt.log)"
  fi
  [ -d /sys/fs/cgroup ] || cannot "no cgroup file system mounted"
  BIN=$(node_bin_dir || true)
  if [ -z "$BIN" ]; then
    log "Kubernetes binaries not built yet: scripts/kube-apiserver.sh (one build for both tiers, ~10 min cold)"
    KAPI_ETCD_LOOPBACK=1 bash "$HERE/kube-apiserver.sh" >&2 || die "building the Kubernetes binaries failed"
    BIN=$(node_bin_dir) || die "scripts/kube-apiserver.sh left no node binaries"
  fi
  export PATH=$BIN:$PATH
}

start() { # name cmd... ; the process writes its own pid file, then execs
  local n=$1; shift
  nohup setsid sh -c 'echo $$ >"$0"; exec "$@"' "$RUN/$n.pid" "$@" >"$LOG/$n.log" 2>&1 </dev/null &
  for _ in $(seq 50); do [ -s "$RUN/$n.pid" ] && break; sleep 0.1; done
  log "started $n (pid $(cat "$RUN/$n.pid"))"
}
waitfor() { # desc timeout-seconds cmd...
  local d=$1 t=$2; shift 2
  for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && { log "$d"; return 0; }; sleep 0.2; done
  die "timed out after ${t}s waiting for: $d (logs: $LOG)"
}
ready() {
  [ -f "$KUBECONFIG_FILE" ] && kubectl --kubeconfig "$KUBECONFIG_FILE" get node "$NODE" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True
}
ctrk() { ctr --address "$CSOCK" -n k8s.io "$@"; }

write_kubeconfig() { # name cert
  cat >"$RUN/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: realnode
  cluster: {server: "https://$NODE_IP:$APORT", certificate-authority: "$PKI/ca.crt"}
users:
- name: $1
  user: {client-certificate: "$PKI/$2.crt", client-key: "$PKI/$2.key"}
contexts:
- name: realnode
  context: {cluster: realnode, user: $1}
current-context: realnode
EOF
  chmod 600 "$RUN/$1.kubeconfig"
}

pause_image() { # the sandbox image, compiled from the Kubernetes tree's pause.c (no registry to pull it from)
  ctrk images ls -q 2>/dev/null | grep -qx k8s.gcr.io/pause:3.4.1 && return 0
  local d=$R/pause; rm -rf "$d"; mkdir -p "$d/rootfs/blobs"
  gcc -Os -static -DVERSION=v3.4.1-bolometer -o "$d/pause" "$BIN/pause.c"
  # a one-layer docker-archive by hand: layer.tar + config + manifest
  (cd "$d" && mkdir -p layer && cp pause layer/pause && tar -C layer -cf layer.tar pause)
  local diff; diff=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
  cat >"$d/config.json" <<EOF
{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff"]}}
EOF
  local cfg; cfg=$(sha256sum "$d/config.json" | cut -d' ' -f1)
  mv "$d/config.json" "$d/$cfg.json"
  printf '[{"Config":"%s.json","RepoTags":["k8s.gcr.io/pause:3.4.1"],"Layers":["layer.tar"]}]' "$cfg" >"$d/manifest.json"
  (cd "$d" && tar -cf pause.tar manifest.json "$cfg.json" layer.tar)
  ctrk images import "$d/pause.tar" >/dev/null
  log "sandbox image k8s.gcr.io/pause:3.4.1 built and imported"
}

import_images() {
  local archives=("$@") a
  [ ${#archives[@]} -gt 0 ] || archives=("$REPO"/target/images/*.tar)
  for a in "${archives[@]}"; do
    [ -f "$a" ] || continue
    ctrk images import --no-unpack=false "$a" >/dev/null || die "importing $a failed"
    log "imported $(basename "$a")"
  done
}

up() {
  prerequisites
  if ready; then log "already up: node $NODE Ready (export KUBECONFIG=$KUBECONFIG_FILE)"; return 0; fi
  [ -f "$RUN/etcd.pid" ] && { log "a half-started node was found: taking it down first"; down; }
  rm -rf "$RUN"; mkdir -p "$RUN" "$LOG" "$R/containerd" "$R/cni/net.d"
  sysctl -n vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward | paste -sd' ' >"$RUN/sysctl.orig"
  for d in /var/log/pods /var/lib/cni /run/netns; do [ -e $d ] || { mkdir -p $d; echo $d >>"$RUN/created-dirs"; }; done
  sysctl -q -w net.ipv4.ip_forward=1

  # the bridge first: its address is the node's address, so the API server and the kubelet can bind to it
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge && ip addr add "$NODE_IP/16" dev "$BRIDGE" && ip link set "$BRIDGE" up
  fi

  bash "$HERE/real-node/mkpki.sh" "$PKI" "$NODE" "$NODE_IP"
  write_kubeconfig admin admin; write_kubeconfig controller-manager controller-manager
  write_kubeconfig scheduler scheduler; write_kubeconfig kubelet kubelet; write_kubeconfig kube-proxy kube-proxy
  log "certificates and kubeconfigs written"

  sed "s|@R@|$R|g" "$HERE/real-node/containerd.toml" >"$R/containerd/config.toml"
  sed "s|@R@|$R|g" "$HERE/real-node/10-realnode.conflist" >"$R/cni/net.d/10-realnode.conflist"
  if ! { [ -S "$CSOCK" ] && ctr --address "$CSOCK" version >/dev/null 2>&1; }; then
    RUN_SAVE=$RUN; start containerd containerd --config "$R/containerd/config.toml"
    mv "$RUN/containerd.pid" "$R/containerd/containerd.pid"; RUN=$RUN_SAVE
    waitfor "containerd answers" 30 ctr --address "$CSOCK" version
  fi
  pause_image
  import_images

  start etcd etcd --name realnode --data-dir "$RUN/etcd-data" \
    --listen-client-urls http://127.0.0.1:23791 --advertise-client-urls http://127.0.0.1:23791 \
    --listen-peer-urls http://127.0.0.1:23801 --initial-advertise-peer-urls http://127.0.0.1:23801 \
    --initial-cluster realnode=http://127.0.0.1:23801
  start kube-apiserver kube-apiserver \
    --etcd-servers=http://127.0.0.1:23791 \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=$APORT --insecure-port=0 \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP,Hostname \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --cert-dir="$PKI" --event-ttl=30m \
    --audit-log-path="$LOG/audit.log" --audit-policy-file="$HERE/real-node/audit-policy.yaml" \
    --audit-log-maxsize=200 --audit-log-maxbackup=1
  export KUBECONFIG=$KUBECONFIG_FILE
  waitfor "kube-apiserver ready" 300 kubectl get --raw /readyz

  start kube-controller-manager kube-controller-manager --kubeconfig="$RUN/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$RUN/controller-manager.kubeconfig" --authorization-kubeconfig="$RUN/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --port=0 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" --cluster-name=realnode
  start kube-scheduler kube-scheduler --kubeconfig="$RUN/scheduler.kubeconfig" \
    --authentication-kubeconfig="$RUN/scheduler.kubeconfig" --authorization-kubeconfig="$RUN/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --port=0 --leader-elect=false
  cat >"$RUN/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$RUN/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: 10.88.0.0/16
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
hostnameOverride: $NODE
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  start kube-proxy kube-proxy --config="$RUN/kube-proxy.yaml"

  mkdir -p "$RUN/kubelet"
  cat >"$RUN/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true, cacheTTL: 10s}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization:
  mode: Webhook
  webhook: {cacheAuthorizedTTL: 10s, cacheUnauthorizedTTL: 5s}
tlsCertFile: "$PKI/kubelet-serving.crt"
tlsPrivateKeyFile: "$PKI/kubelet-serving.key"
cgroupDriver: cgroupfs
failSwapOn: false
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
nodeStatusUpdateFrequency: 10s
syncFrequency: 10s
fileCheckFrequency: 10s
EOF
  # --oom-score-adj=0 and containerd's restrict_oom_score_adj: this VM's bounding set lacks CAP_SYS_RESOURCE, and
  # runc fails every sandbox when asked for -998 ("can't get final child's PID from pipe: EOF")
  start kubelet kubelet --config="$RUN/kubelet.yaml" --kubeconfig="$RUN/kubelet.kubeconfig" \
    --root-dir="$RUN/kubelet" --cert-dir="$PKI" \
    --container-runtime=remote --container-runtime-endpoint="unix://$CSOCK" --image-service-endpoint="unix://$CSOCK" \
    --runtime-request-timeout=10m --hostname-override="$NODE" --node-ip="$NODE_IP" \
    --pod-infra-container-image=k8s.gcr.io/pause:3.4.1 --oom-score-adj=0 --v=1
  waitfor "node $NODE Ready" 300 ready
  waitfor "default service account" 120 kubectl -n default get serviceaccount default
  log "up: export KUBECONFIG=$KUBECONFIG_FILE"
}

stop_pid() { # dir name
  local f=$1/$2.pid pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "stopped $2 ($pid)"
  fi
  rm -f "$f"
}

down() {
  local BIN; BIN=$(node_bin_dir || true); [ -n "$BIN" ] && export PATH=$BIN:$PATH
  export KUBECONFIG=$KUBECONFIG_FILE
  # 1. let the kubelet tear pods down (CNI DEL, unmounts) while everything still runs
  if [ -f "$RUN/kubelet.pid" ] && kill -0 "$(cat "$RUN/kubelet.pid")" 2>/dev/null && kubectl get --raw /readyz >/dev/null 2>&1; then
    kubectl delete ds,deploy,rs,sts,job,pod --all --all-namespaces --grace-period=1 --wait=false >/dev/null 2>&1 || true
    for _ in $(seq 60); do [ -z "$(kubectl get pods -A -o name 2>/dev/null)" ] && break; sleep 1; done
    log "pods left: $(kubectl get pods -A --no-headers 2>/dev/null | wc -l)"
  fi
  # 2. the node and the control plane
  stop_pid "$RUN" kubelet
  if [ -f "$RUN/kube-proxy.pid" ]; then stop_pid "$RUN" kube-proxy; kube-proxy --cleanup >/dev/null 2>&1 || true; fi
  for p in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_pid "$RUN" $p; done
  # 3. containers left in containerd, then containerd and its shims (matched by our socket only)
  if [ -S "$CSOCK" ] && ctr --address "$CSOCK" version >/dev/null 2>&1; then
    for t in $(ctrk tasks ls -q 2>/dev/null); do ctrk tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
    for t in $(ctrk tasks ls -q 2>/dev/null); do ctrk tasks delete -f "$t" >/dev/null 2>&1 || true; done
    for c in $(ctrk containers ls -q 2>/dev/null); do ctrk containers delete "$c" >/dev/null 2>&1 || true; done
  fi
  stop_pid "$R/containerd" containerd
  for p in $(pgrep -f "containerd-shim-runc-v2 -namespace k8s.io .*-address $CSOCK" || true); do kill "$p" 2>/dev/null || true; done
  # 4. mounts, network namespaces, the bridge, cgroups, iptables, sysctls, directories
  findmnt -rn -o TARGET | grep -E "^($RUN|$R/containerd)/" | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  for ns in /run/netns/cni-*; do [ -e "$ns" ] || continue; umount "$ns" 2>/dev/null || true; rm -f "$ns"; done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE" && log "bridge $BRIDGE deleted"
  rm -rf "$R/cni/ipam"
  for sub in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    for top in kubepods k8s.io; do [ -d "$sub$top" ] && find "$sub$top" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  done
  local ipt t c chains
  for ipt in iptables ip6tables; do
    command -v $ipt >/dev/null 2>&1 || continue
    for t in filter nat mangle; do
      $ipt -t $t -S 2>/dev/null | grep -E '^-A [A-Z]+ .*-j KUBE-' | grep -vE '^-A KUBE-' | sed 's/^-A/-D/' \
        | while read -r rule; do eval "$ipt -t $t $rule" || true; done
      chains=$($ipt -t $t -S 2>/dev/null | awk '/^-N KUBE-/{print $2}')
      for c in $chains; do $ipt -t $t -F "$c" || true; done
      for c in $chains; do $ipt -t $t -X "$c" || true; done
    done
  done
  if [ -f "$RUN/sysctl.orig" ]; then
    read -r om kp kpo ipf <"$RUN/sysctl.orig"
    sysctl -q -w vm.overcommit_memory="$om" kernel.panic="$kp" kernel.panic_on_oops="$kpo" net.ipv4.ip_forward="$ipf" \
      && log "sysctls restored"
  fi
  if [ -f "$RUN/created-dirs" ]; then while read -r d; do rm -rf "$d"; done <"$RUN/created-dirs"; fi
  # the containerd root (unpacked images) and everything else of ours
  findmnt -rn -o TARGET | grep -qE "^$R/" || rm -rf "$R"
  log "down"
}

status() {
  local BIN; BIN=$(node_bin_dir || true); [ -n "$BIN" ] && export PATH=$BIN:$PATH
  if command -v kubectl >/dev/null 2>&1 && ready; then
    echo "real node $NODE: Ready (KUBECONFIG=$KUBECONFIG_FILE, node IP $NODE_IP)"
    kubectl --kubeconfig "$KUBECONFIG_FILE" get pods -A -o wide 2>/dev/null || true
    return 0
  fi
  echo "real node: not up ($([ -f "$RUN/etcd.pid" ] && echo "partly started, see $LOG" || echo "nothing running"))"
  return 1
}

case "${1:-}" in
  up) up ;;
  down) [ "$(id -u)" = 0 ] || cannot "taking the node down needs root"; down ;;
  status) status ;;
  import) shift; prerequisites; ready || die "the node is not up (scripts/real-node.sh up)"; import_images "$@" ;;
  env) echo "KUBECONFIG=$KUBECONFIG_FILE"; echo "NODE_IP=$NODE_IP"; echo "NODE_NAME=$NODE"; echo "REAL_NODE_DIR=$R"
       BIN=$(node_bin_dir || true); echo "REAL_NODE_BIN=$BIN" ;;
  *) echo "usage: $0 up|down|status|import [ARCHIVE...]|env" >&2; exit 2 ;;
esac
