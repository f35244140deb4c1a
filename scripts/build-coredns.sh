#!/usr/bin/env bash
# Builds the pinned CoreDNS (the local cluster's DNS server) from the Go module proxy, with only the
# plugins it uses (scripts/coredns/main.go), cached outside the repo and keyed by version and sources.
# Usage: scripts/build-coredns.sh   → prints the path of the cached binary on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/go-build-lib.sh"
module="$here/coredns"
version="$(awk '$1=="require" && $2=="github.com/coredns/coredns" {print $3; exit}' "$module/go.mod")"
cache="$(build_cache coredns "$version")"
bin="$cache/coredns"
key="$(cat "$module/go.mod" "$module/go.sum" "$module/main.go" | sha256sum | cut -c1-16)"

use_cached "coredns $version" "$cache" "$key" "$bin" "$bin"
require_go 1.26

mkdir -p "$cache"
cd "$module"
echo "coredns $version: downloading modules…" >&2
go mod download
total="$(go list -deps . | wc -l)"
echo "coredns $version: building $total packages (cold: about 3 min on 2 cores; cached afterwards)…" >&2
start=$SECONDS
ldflags="-s -w -X github.com/coredns/coredns/coremain.GitCommit=$version"
CGO_ENABLED=0 go build -v -trimpath -ldflags "$ldflags" -o "$bin.tmp" . 2>&1 | go_progress "$total"
[[ ${PIPESTATUS[0]} -eq 0 && -x "$bin.tmp" ]] || { echo "error: the CoreDNS build failed (see above)." >&2; exit 1; }
mv "$bin.tmp" "$bin"
record_build "coredns $version" "$cache" "$key" "$start" "$bin"
