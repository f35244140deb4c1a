#!/usr/bin/env bash
# Builds containerd 2 (containerd, its runc shim and ctr) from the Go module proxy, for the
# Kubernetes versions that need a newer containerd than Debian's (config/kubernetes-versions.json,
# "containerd"), cached outside the repo per version. No cgo: the snapshotters that need C headers
# (btrfs) or a daemon (devmapper, zfs) are left out by build tags; the cluster uses overlayfs.
# Usage: scripts/build-containerd.sh [v2.x.y]   → prints the directory of the binaries on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/go-build-lib.sh"
pins="$here/../config/kubernetes-versions.json"
version="${1:-$(sed -n 's/.*"containerd": *"\(v[0-9.]*\)".*/\1/p' "$pins")}"
[[ "$version" =~ ^v2\.[0-9]+\.[0-9]+$ ]] || { echo "error: expected a containerd version like v2.3.7, got '$version'." >&2; exit 2; }
cache="$(build_cache containerd "$version")"
module=github.com/containerd/containerd/v2
tags="no_btrfs no_devmapper no_zfs urfave_cli_no_docs"
# The key names what is built: a change of tags or flags rebuilds.
key="$(echo "$version $tags" | sha256sum | cut -c1-16)"

use_cached "containerd $version" "$cache" "$key" "$cache/bin" "$cache/bin/containerd" "$cache/bin/containerd-shim-runc-v2" "$cache/bin/ctr"
require_go 1.26

mkdir -p "$cache"
rm -rf "$cache/bin.tmp"
echo "containerd $version: building containerd, containerd-shim-runc-v2 and ctr (cold: a few minutes on 2 cores; cached afterwards)…" >&2
start=$SECONDS
ldflags="-s -w -X $module/version.Version=$version -X $module/version.Package=$module"
# go install pkg@version builds with the module's own go.mod and go.sum, verified by the checksum database.
# -v prints each package as it is compiled: a progress line every 50 packages.
GOBIN="$cache/bin.tmp" CGO_ENABLED=0 go install -v -trimpath -tags "$tags" -ldflags "$ldflags" \
    "$module/cmd/containerd@$version" "$module/cmd/containerd-shim-runc-v2@$version" "$module/cmd/ctr@$version" 2>&1 | go_progress
[[ ${PIPESTATUS[0]} -eq 0 && -x "$cache/bin.tmp/containerd" ]] || { echo "error: the containerd build failed (see above)." >&2; exit 1; }
rm -rf "$cache/bin" && mv "$cache/bin.tmp" "$cache/bin"
record_build "containerd $version" "$cache" "$key" "$start" "$cache/bin"
