#!/usr/bin/env bash
# Builds the pinned upstream Kubernetes components (plus etcd) into one multi-call binary,
# cached outside the repo and keyed by version, so a second run builds nothing.
# Usage: scripts/build-kubernetes.sh [version]   → prints the path of the cached binary on its last line.
#   version: v1.37.2, a minor (1.36) for its pinned patch, or `default` (also when omitted): the pinned default
#   (config/kubernetes-versions.json). Each version has its own cache entry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/go-build-lib.sh"
module="$here/kubernetes"
pins="$here/../config/kubernetes-versions.json"
pinned() { grep -o '"v1\.[0-9]*\.[0-9]*"' "$pins" | tr -d '"' | sort -uV; }
version="${1:-default}"
[[ "$version" != default ]] || version="$(sed -n 's/.*"default": *"\(v[0-9.]*\)".*/\1/p' "$pins")"
if [[ "$version" =~ ^v?1\.[0-9]+$ ]]; then
  want="v${version#v}."
  version="$(pinned | awk -v w="$want" 'index($0, w) == 1' | sort -V | tail -1)"
  [[ -n "$version" ]] || { echo "error: no pinned patch for Kubernetes ${want%.}; pinned: $(pinned | tr '\n' ' ')(config/kubernetes-versions.json)." >&2; exit 2; }
fi
[[ "$version" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || { echo "error: expected a Kubernetes version like v1.37.2 or 1.37, got '$version'." >&2; exit 2; }
modfile="$module/v1.${BASH_REMATCH[1]}.mod"; sumfile="${modfile%.mod}.sum"
grep -q "k8s.io/kubernetes $version\$" "$modfile" 2>/dev/null ||
  { echo "error: $modfile does not build Kubernetes $version. Generate it: scripts/kubernetes/generate-module.sh $version" >&2; exit 2; }
cache="$(build_cache kubernetes "$version")"
bin="$cache/kube"
# The key includes the wrapper's own sources: changing main.go or the module files rebuilds.
key="$(cat "$modfile" "$sumfile" "$module/main.go" | sha256sum | cut -c1-16)"

use_cached "kubernetes $version" "$cache" "$key" "$bin" "$bin"
require_go 1.25

mkdir -p "$cache"
cd "$module"
echo "kubernetes $version: downloading modules…" >&2
go mod download -modfile="$modfile"
total="$(go list -modfile="$modfile" -deps . | wc -l)"
echo "kubernetes $version: building $total packages (cold: about 5-10 min on 2 cores; cached afterwards)…" >&2
start=$SECONDS
mm="${version#v}"; major="${mm%%.*}"; rest="${mm#*.}"; minor="${rest%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
done
# -v prints each package as it is compiled: turned into a progress line every 50 packages.
CGO_ENABLED=0 go build -modfile="$modfile" -v -trimpath -ldflags "$ldflags" -o "$bin.tmp" . 2>&1 | go_progress "$total"
[[ ${PIPESTATUS[0]} -eq 0 && -x "$bin.tmp" ]] || { echo "error: the Kubernetes build failed (see above)." >&2; exit 1; }
mv "$bin.tmp" "$bin"
record_build "kubernetes $version" "$cache" "$key" "$start" "$bin"
