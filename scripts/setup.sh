#!/usr/bin/env bash
# Installs what the job at hand needs on this host, and nothing twice. One progress line per step;
# a package manager's or a build's output is shown only when the step fails.
#
# Usage: scripts/setup.sh [verify|kind|kubeconfig|test]
#   verify      (default) lesson-verify on the embedded local cluster: the sandbox, the local
#               cluster's host programs, the stand-in images' tools, the Kubernetes and CoreDNS builds
#   kind        the kind provider: the sandbox, the stand-in images' tools, Docker's engine and
#               debootstrap (the offline node image), the Kubernetes and CoreDNS builds
#   kubeconfig  an existing cluster: the sandbox only (kubectl comes from the runner's PATH)
#   test        `npm test`: all of the above, Chromium (the verify spec looks at the HTML report), and
#               the older Kubernetes version the version-matrix spec runs
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
profile="${1:-verify}"

# Debian packages by need.
# The lesson sandbox (src/sandbox/): bubblewrap runs each command, socat forwards the API port into
# it; jq and curl are tools lessons reach for.
sandbox=(bubblewrap socat jq curl)
# The stand-in images (src/images/) are built from .deb files apt-get downloads; gcc builds pause.
images=(gcc libc6-dev tar)
# The local cluster (src/cluster-providers/local/): its own containerd, runc and CNI bridge,
# kube-proxy's iptables rules, the cluster's certificates.
local_cluster=(containerd runc containernetworking-plugins iptables iproute2 openssl)
# The kind provider: a Docker engine (scripts/start-docker.sh), debootstrap for the offline node image.
kind=(docker.io debootstrap)
# The verify spec opens the HTML report in a headless browser (playwright-core drives it).
browser=(chromium)

case "$profile" in
  verify) packages=("${sandbox[@]}" "${images[@]}" "${local_cluster[@]}"); builds=(kubernetes containerd coredns) ;;
  kind) packages=("${sandbox[@]}" "${images[@]}" "${kind[@]}"); builds=(kubernetes coredns) ;;
  kubeconfig) packages=("${sandbox[@]}"); builds=() ;;
  test) packages=("${sandbox[@]}" "${images[@]}" "${local_cluster[@]}" "${kind[@]}" "${browser[@]}"); builds=(kubernetes containerd coredns kubernetes-matrix) ;;
  *) echo "setup: unknown profile \`$profile\`; expected verify, kind, kubeconfig or test" >&2; exit 2 ;;
esac

if [[ "$(uname -s)" != Linux ]]; then
  echo "setup: not Linux ($(uname -s)): skipping the host packages; use LESSON_HARNESS_PROVIDER=kind or LESSON_HARNESS_KUBECONFIG." >&2
  exit 0
fi

log="$(mktemp -t lesson-harness-setup.XXXXXX)"
trap 'rm -f "$log"' EXIT

# step LABEL COMMAND…: runs the command with its output in $log and prints one line when it ends:
# "setup: LABEL … ok (0.2 s)", or "… cached" when the command said so, or the output on failure.
# A step that runs long says every 30 s that it is still at work, with its last line of output.
step() {
  local label="$1"; shift
  local start=$EPOCHREALTIME
  : >"$log"
  "$@" >>"$log" 2>&1 &
  local pid=$!
  ( trap - EXIT; trap 'kill $! 2>/dev/null; exit 0' TERM
    n=0; while sleep 30 & wait $!; do n=$((n + 30)); echo "setup: $label … still running (${n} s: $(tail -n 1 "$log" | cut -c1-100))" >&2; done ) &
  local beat=$! rc=0
  wait "$pid" || rc=$?
  kill "$beat" 2>/dev/null; wait "$beat" 2>/dev/null || true
  local took; took="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  if ((rc != 0)); then
    echo "setup: $label … failed (${took} s):" >&2
    sed 's/^/  /' "$log" >&2
    exit "$rc"
  fi
  # A build names its version on its first line ("kubernetes v1.34.12: …"): the label gets it.
  local version; version="$(grep -m1 -oE '^[a-z]+ v[0-9][^: ]*:' "$log" | cut -d' ' -f2 | tr -d : || true)"
  if [[ -n "$version" ]]; then label="$label $version"; fi
  # What the step said it did: a build found in the cache, packages installed, or all there already.
  if grep -q ': cached at ' "$log"; then echo "setup: $label … cached" >&2
  elif grep -q '^installing: ' "$log"; then echo "setup: $label … $(grep -m1 '^installing: ' "$log" | sed 's/^installing/installed/') (${took} s)" >&2
  else echo "setup: $label … ok (${took} s)" >&2; fi
}

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]}. Install them as root: sudo apt-get install -y ${missing[*]}"
    return 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts packaged daemons on install. The harness runs its own containerd, so stop and
  # disable the one this script just installed (never a daemon the host already had).
  if [[ " ${missing[*]} " == *" containerd "* ]] && command -v systemctl >/dev/null && systemctl is-active --quiet containerd 2>/dev/null; then
    systemctl disable --now containerd >/dev/null 2>&1 || true
  fi
}

# The stand-in images are built from Debian packages: apt needs its package lists (images that
# clean /var/lib/apt/lists have none).
apt_lists() {
  if compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "apt has no package lists, and the stand-in images are built from Debian packages. Run: sudo apt-get update"
    return 1
  fi
  apt-get update -qq
}

build_kubernetes() {
  # The version the specs run (LESSON_HARNESS_KUBERNETES, a pinned minor or version), else the pinned default.
  "$here/build-kubernetes.sh" ${LESSON_HARNESS_KUBERNETES:-default} >/dev/null
}

# containerd 2 (config/kubernetes-versions.json): the local cluster runs it from Kubernetes 1.36 on,
# the default included; built here so that the first cluster start does not build it.
# The version-matrix spec's second column, the supported minor just below the default: built here,
# before the suites start side by side, rather than in the middle of them (minutes of both cores).
build_kubernetes_matrix() {
  local pins="$here/../config/kubernetes-versions.json" default older
  default="$(sed -n 's/.*"default": *"\(v[0-9.]*\)".*/\1/p' "$pins")"
  older="$(sed -n '/"supported"/,/]/p' "$pins" | grep -o 'v1\.[0-9]*\.[0-9]*' | grep -vx "$default" | sort -V | tail -1)"
  "$here/build-kubernetes.sh" "${older:-$default}" >/dev/null
}

build_containerd() {
  "$here/build-containerd.sh" >/dev/null
}

build_coredns() {
  "$here/build-coredns.sh" >/dev/null
}

step "Debian packages ($profile, ${#packages[@]})" install_packages "${packages[@]}"
if [[ "$profile" != kubeconfig ]]; then step "apt package lists" apt_lists; fi
if [[ " ${builds[*]} " == *" kubernetes "* ]]; then step Kubernetes build_kubernetes; fi
if [[ " ${builds[*]} " == *" containerd "* ]]; then step containerd build_containerd; fi
if [[ " ${builds[*]} " == *" coredns "* ]]; then step CoreDNS build_coredns; fi
if [[ " ${builds[*]} " == *" kubernetes-matrix "* ]]; then step "Kubernetes (the version matrix's second column)" build_kubernetes_matrix; fi
