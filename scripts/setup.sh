#!/usr/bin/env bash
# Installs what the harness needs on this host, and nothing twice: Debian packages for the local
# cluster (containerd, runc, CNI plugins; the stand-in images are built from .deb files that
# apt-get downloads, gcc builds their pause), the lesson sandbox (bubblewrap; socat forwards the
# API port inside it; jq for lessons), and the pinned Kubernetes and CoreDNS builds (cached).
# Every `npm run` entry point calls it first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

packages=(containerd runc containernetworking-plugins iptables iproute2
  openssl gcc libc6-dev tar curl chromium
  docker.io debootstrap bubblewrap socat jq)

if [[ "$(uname -s)" != Linux ]]; then
  echo "setup: not Linux ($(uname -s)): skipping the local cluster's host packages; use LESSON_HARNESS_PROVIDER=kind or LESSON_HARNESS_KUBECONFIG." >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}. Install them as root: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # Debian starts packaged daemons on install. The harness runs its own containerd, so stop and
  # disable the one this script just installed (never a daemon the host already had).
  for unit in containerd; do
    if [[ " ${missing[*]} " == *" $unit "* ]] && command -v systemctl >/dev/null && systemctl is-active --quiet "$unit" 2>/dev/null; then
      systemctl disable --now "$unit" >/dev/null 2>&1 || true
    fi
  done
fi

# The stand-in images are built from Debian packages: apt needs its package lists (images that
# clean /var/lib/apt/lists have none).
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: apt has no package lists, and the stand-in images are built from Debian packages. Run: sudo apt-get update" >&2
    exit 1
  fi
  echo "setup: apt-get update (no package lists yet)…" >&2
  apt-get update -qq >&2
fi

# The version the specs run (LESSON_HARNESS_KUBERNETES, a pinned minor or version), else the pinned default.
"$here/build-kubernetes.sh" ${LESSON_HARNESS_KUBERNETES:-default} >/dev/null
"$here/build-coredns.sh" >/dev/null
